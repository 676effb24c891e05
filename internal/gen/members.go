package gen

import (
	"math"
	"strconv"
)

// The members of the groups: who they are, their nicknames against the group's rule, when
// they joined and last spoke, and their lines of output.

func (g *gen) buildMembers() {
	ng := len(g.groups)
	minSize := 1
	if g.o.Members >= 2*ng {
		minSize = 2
	}
	if g.o.Members >= 4*ng {
		minSize = 4
	}
	rest := g.o.Members - minSize*ng
	w := make([]float64, ng)
	sum := 0.0
	for i := range g.groups {
		w[i] = g.groups[i].spec.sizeWeight * (0.7 + 0.6*g.r.Float64())
		sum += w[i]
	}
	sizes := make([]int, ng)
	frac := make([]float64, ng)
	used := 0
	for i := range sizes {
		x := float64(rest) * w[i] / sum
		sizes[i] = minSize + int(x)
		frac[i] = x - math.Floor(x)
		used += int(x)
	}
	for left := rest - used; left > 0; left-- {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		sizes[best]++
		frac[best] = -1
	}

	seen := make(map[string]bool, g.o.Members)
	startDay, _ := localDay(g.start)
	endDay, _ := localDay(g.end)
	for gi := range g.groups {
		gr := &g.groups[gi]
		sp := gr.spec
		nAdmins := min(1+g.r.IntN(3), sizes[gi]-1)
		approvedDay, _ := localDay(gr.approvedAt)
		for k := 0; k < sizes[gi]; k++ {
			idx := len(g.members)
			m := member{group: gi, role: roleMember}
			switch {
			case k == 0:
				m.role = roleOwner
			case k <= nAdmins:
				m.role = roleAdmin
			}
			m.id = g.memberID(seen)
			forced := false
			if idx%50 == 17 {
				m.surname = trickySurnames[(idx/50)%len(trickySurnames)]
				forced = true
			} else {
				m.surname = pickSurname(g.r)
			}
			var given string
			if g.r.IntN(100) < 30 {
				given = givenSingle[g.r.IntN(len(givenSingle))]
			} else {
				given = givenDouble[g.r.IntN(len(givenDouble))]
			}
			m.name = m.surname + given
			if !forced && g.r.IntN(100) < 10 {
				// Pick a given name that actually looks different.
				for try := 0; try < 8 && tradSurname(m.surname)+toTrad(given) == m.name; try++ {
					given = givenDouble[g.r.IntN(len(givenDouble))]
					m.name = m.surname + given
				}
				m.trad = true
				m.surname = tradSurname(m.surname)
				given = toTrad(given)
				m.name = m.surname + given
			}
			// branch
			switch {
			case m.role == roleOwner || sp.mainShare > 0 && g.r.Float64() < sp.mainShare:
				m.branch = sp.branches[0]
			case sp.mainShare > 0:
				m.branch = sp.branches[1+g.r.IntN(len(sp.branches)-1)]
			default:
				m.branch = sp.branches[g.r.IntN(len(sp.branches))]
			}
			other := sp.branches[g.r.IntN(len(sp.branches))]
			okPct := 70
			if m.role != roleMember {
				okPct = 90
			}
			m.nick = nickname(g.r, sp.rule, m.branch, other, m.surname, given, m.name, g.r.IntN(100) < okPct)
			m.party = g.r.Float64() < sp.partyShare || (m.role == roleOwner && gr.kind == kParty)

			// joined / last_active
			switch {
			case m.role == roleOwner:
				m.joined = gr.approvedAt + int64(60+g.r.IntN(1800))
				m.last = g.end - 1 - int64(g.r.IntN(600)) // still online at the end
			case m.role == roleAdmin:
				m.joined = g.dayTime(approvedDay + int64(g.r.IntN(10)))
				m.last = g.dayTime(endDay - 1 - int64(g.r.IntN(2)))
			default:
				if g.r.IntN(100) < 85 || endDay-startDay < 14 {
					m.joined = g.dayTime(approvedDay + int64(g.r.IntN(int(startDay-approvedDay))))
				} else {
					m.joined = g.dayTime(startDay + int64(g.r.IntN(int(endDay-startDay-7))))
				}
				if m.joined <= gr.approvedAt {
					m.joined = gr.approvedAt + 3600
				}
				inactiveBefore := g.end - 91*86400
				if m.joined < g.end-120*86400 && g.r.IntN(1000) < 95 {
					span := inactiveBefore - (m.joined + 86400)
					m.last = m.joined + 86400 + g.r.Int64N(span)
				} else {
					m.last = g.dayTime(endDay - 1 - int64(g.r.IntN(5)))
					if m.last < m.joined+3600 {
						m.last = m.joined + 3600
					}
				}
			}
			gr.members = append(gr.members, idx)
			if m.role != roleMember {
				gr.staff = append(gr.staff, idx)
			}
			if m.role == roleOwner {
				gr.owner = idx
			}
			g.members = append(g.members, m)
		}
		// activity weights
		gr.cum = make([]float64, len(gr.members))
		t := 0.0
		for j, mi := range gr.members {
			var a float64
			switch {
			case g.members[mi].role == roleOwner:
				a = 6
			case g.members[mi].role == roleAdmin:
				a = 4
			case g.r.IntN(100) < 20:
				a = 0.05 // lurker
			default:
				a = math.Exp(0.9 * g.r.NormFloat64())
			}
			t += a
			gr.cum[j] = t
		}
	}
	// group choice weights
	g.groupCum = make([]float64, len(g.groups))
	t := 0.0
	for i := range g.groups {
		t += math.Pow(float64(len(g.groups[i].members)), 0.8) * g.groups[i].spec.activity
		g.groupCum[i] = t
	}
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"

// memberID returns "wx_" followed by 8 random base-36 characters, unique in
// this run.
func (g *gen) memberID(seen map[string]bool) string {
	for {
		v := g.r.Uint64()
		var b [11]byte
		copy(b[:], "wx_")
		for i := 10; i >= 3; i-- {
			b[i] = base36[v%36]
			v /= 36
		}
		id := string(b[:])
		if !seen[id] {
			seen[id] = true
			return id
		}
	}
}

func (g *gen) writeMember(i int) {
	m := &g.members[i]
	b := g.out.buf
	b = append(b, `{"type":"member","id":"`...)
	b = append(b, m.id...)
	b = append(b, `","group":"`...)
	b = append(b, g.groups[m.group].id...)
	b = append(b, `","name":`...)
	b = appendJSON(b, m.name)
	b = append(b, `,"nickname":`...)
	b = appendJSON(b, m.nick)
	b = append(b, `,"branch":`...)
	b = appendJSON(b, m.branch)
	b = append(b, `,"role":"`...)
	b = append(b, roleNames[m.role]...)
	b = append(b, `","party_member":`...)
	b = strconv.AppendBool(b, m.party)
	b = append(b, `,"joined":"`...)
	b = appendTime(b, m.joined)
	b = append(b, `","last_active":"`...)
	b = appendTime(b, m.last)
	g.out.buf = append(b, "\"}\n"...)
}
