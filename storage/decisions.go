package storage

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/model"
)

// ChatAction is one thing a bot on the chat side must do, as `qunshen export decisions`
// writes it (docs/formats.md): publish a post, tell its author why it was not published,
// warn, mute, remove or restore a member.
type ChatAction struct {
	Action   string     `json:"action"` // publish, notify, warn, mute, remove, restore
	Event    model.Hash `json:"event"`  // the decision's event id: a bot can skip what it did
	Time     time.Time  `json:"time"`
	Group    string     `json:"group"`
	Post     string     `json:"post,omitempty"`
	Member   string     `json:"member"` // the author of the post, or the member acted on
	Title    string     `json:"title,omitempty"`
	Decision string     `json:"decision,omitempty"` // for notify: rejected or changes-requested
	Reason   string     `json:"reason,omitempty"`
	Until    time.Time  `json:"until,omitzero"` // for mute
	By       string     `json:"by"`             // who decided
	Role     model.Role `json:"role"`
}

// ExportDecisions writes, as JSON Lines, the decisions since since that stand now and that
// the chat side must carry out, in the canonical order of the log. A decision undone, made
// void by a dispute, or followed by another on the same post or member is left out: only
// what is in force goes to the chat. It returns how many lines it wrote.
func (s *Store) ExportDecisions(since time.Time, w io.Writer) (int, error) {
	if since.Year() > 2200 { // beyond the clock of events (and of int64 nanoseconds)
		return 0, nil
	}
	var out []ChatAction
	last := map[string]int{} // member → the index in out of its status action in force
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		return forEachCanonical(tx, timeKey(since), false, func(_ []byte, ev *model.Event, id model.Hash) error {
			a, ok, err := chatAction(st, ev, id)
			if err != nil || !ok {
				return err
			}
			if op, ok, _ := st.Operator(ev.Origin); ok {
				a.By = op.Name
			}
			if a.Post == "" && a.Action != "warn" {
				// a member's mute, removal or restoration: only the last one stands
				key := model.MemberKey(a.Group, a.Member)
				if i, ok := last[key]; ok {
					out[i].Action = ""
				}
				last[key] = len(out)
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	n := 0
	for i := range out {
		if out[i].Action == "" {
			continue
		}
		line, err := json.Marshal(&out[i])
		if err != nil {
			return n, err
		}
		bw.Write(line)
		bw.WriteByte('\n')
		n++
	}
	return n, bw.Flush()
}

// chatAction is the action of one event, when the event stands now.
func chatAction(st *txState, ev *model.Event, id model.Hash) (ChatAction, bool, error) {
	a := ChatAction{Event: id, Time: ev.Time, Role: ev.Role}
	switch ev.Kind {
	case model.PostApprove, model.PostSignOff, model.PostReject, model.PostChanges:
		p, ok, err := st.Post(ev.Subject)
		if err != nil || !ok || p.Disputed || len(p.History) == 0 {
			return a, false, err
		}
		last := p.History[len(p.History)-1]
		if last.Event != id || last.Undone {
			return a, false, nil
		}
		a.Group, a.Post, a.Member, a.Title = p.Group, p.ID, p.Author, p.Title
		switch p.Status {
		case model.PostApproved, model.PostSignedOff:
			a.Action = "publish"
		case model.PostRejected, model.PostChangesRequested:
			a.Action, a.Decision, a.Reason = "notify", string(p.Status), p.Reason
		default:
			return a, false, nil
		}
		return a, true, nil
	case model.MemberWarn, model.MemberMute, model.MemberRemove, model.MemberRestore:
		m, ok, err := st.Member(ev.Subject)
		if err != nil || !ok {
			return a, false, err
		}
		var pl model.ReasonPayload
		if err := fastjson.Unmarshal(ev.Payload, &pl); err != nil {
			return a, false, nil
		}
		a.Group, a.Member, a.Reason = m.Group, m.ID, pl.Reason
		switch ev.Kind {
		case model.MemberWarn:
			a.Action = "warn"
		case model.MemberMute:
			// in force while the member is still muted until that time
			if m.Status != model.MemberMuted || !m.MutedUntil.Equal(pl.Until.UTC()) {
				return a, false, nil
			}
			a.Action, a.Until = "mute", m.MutedUntil
		case model.MemberRemove:
			if m.Status != model.MemberRemoved {
				return a, false, nil
			}
			a.Action = "remove"
		case model.MemberRestore:
			if m.Status != model.MemberActive {
				return a, false, nil
			}
			a.Action = "restore"
		}
		return a, true, nil
	}
	return a, false, nil
}
