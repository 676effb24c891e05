package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func (a *applier) postSubmit() error {
	var p Post
	if err := entity(a, &p); err != nil {
		return err
	}
	if p.ID == "" || p.ID != a.e.Subject {
		return fmt.Errorf("post.submit: subject %q and post id %q differ", a.e.Subject, p.ID)
	}
	g, ok, err := a.st.Group(p.Group)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("post %s: unknown group %q", p.ID, p.Group)
	}
	if g.Status == GroupDissolved && !p.FromHistory {
		// A dissolved group publishes nothing more; its history may still be kept.
		return a.refuse("group", g.ID, string(g.Status), "a dissolved group takes no new posts")
	}
	if ok, err := a.st.HasMember(p.Group, p.Author); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("post %s: unknown author %q in group %q", p.ID, p.Author, p.Group)
	}
	old, ok, err := a.st.Post(p.ID)
	if err != nil {
		return err
	}
	if !ok {
		// A post from a chat's history was published already; everything else waits.
		p.Status = PostPending
		if p.FromHistory {
			p.Status = PostPublished
		}
		p.Reason, p.History, p.Disputed, p.Pinned, p.Recalled = "", nil, false, false, time.Time{}
		return a.st.PutPost(nil, &p)
	}
	if samePostContent(&old, &p) {
		return ErrNoChange
	}
	// A changed post under the same id is a resubmission; only a post sent back may come again.
	switch old.Status {
	case PostPending, PostChangesRequested, PostReturned:
	default:
		return a.refuse("post", p.ID, string(old.Status), "a post already decided cannot be resubmitted under the same id")
	}
	n := old
	n.Title, n.Body, n.Attachments, n.Major, n.Time, n.Category, n.Findings = p.Title, p.Body, p.Attachments, p.Major, p.Time, p.Category, p.Findings
	if old.Status != PostPending {
		n.History = append(slices.Clone(old.History), Decision{Kind: PostSubmit, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, From: old.Status, To: PostPending})
		n.Status, n.Reason = PostPending, ""
	}
	return a.st.PutPost(&old, &n)
}

// samePostContent compares what the author submitted. Findings are left out: they are the
// checks' reading of the content, and a policy changed since must not make a post seem
// resubmitted.
func samePostContent(a, b *Post) bool {
	return a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) && a.Title == b.Title &&
		a.Body == b.Body && slices.Equal(a.Attachments, b.Attachments) && a.Major == b.Major && a.Category == b.Category &&
		a.Confidential == b.Confidential
}

// MarkPayload goes with post.recall and post.pin: when it happened in the chat.
type MarkPayload struct {
	Time time.Time `json:"time"`
}

// postMark folds a recall or a pin from a chat export. A recalled post leaves the queue,
// whatever was decided of it; a pinned one is an important notice for the archive.
func (a *applier) postMark() error {
	var m MarkPayload
	if v, ok := a.e.Value.(*MarkPayload); ok && v != nil {
		m = *v
	} else if err := a.payload(&m); err != nil {
		return err
	}
	old, ok, err := a.st.Post(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("post %s: %s, but the post is not known", a.e.Subject, a.e.Kind)
	}
	n := old
	if a.e.Kind == PostPin {
		if old.Pinned {
			return ErrNoChange
		}
		n.Pinned = true
	} else {
		if old.Status == PostRecalled {
			return ErrNoChange
		}
		n.Status, n.Recalled, n.Disputed = PostRecalled, m.Time, false
	}
	return a.st.PutPost(&old, &n)
}

// postMoves is the state machine of pre-review: for each decision, the states it may leave
// and the state it reaches.
var postMoves = map[Kind]struct {
	from   []PostStatus
	to     PostStatus
	reason bool
}{
	PostApprove:  {[]PostStatus{PostPending}, PostApproved, false},
	PostReject:   {[]PostStatus{PostPending, PostReturned}, PostRejected, true},
	PostChanges:  {[]PostStatus{PostPending, PostReturned}, PostChangesRequested, true},
	PostEscalate: {[]PostStatus{PostPending}, PostEscalated, false},
	PostSignOff:  {[]PostStatus{PostEscalated}, PostSignedOff, false},
	PostReturn:   {[]PostStatus{PostEscalated}, PostReturned, true},
	PostRetract:  {[]PostStatus{PostApproved, PostSignedOff, PostPublished}, PostRetracted, true},
}

// CanDecide reports whether a post in status s may take decision k, without the state.
func CanDecide(s PostStatus, k Kind) bool {
	mv, ok := postMoves[k]
	return ok && slices.Contains(mv.from, s)
}

// PostLender is a State that lends a post it holds, for the caller to read and not change: a
// decision then copies the post once, to change it, rather than twice (the version it
// replaces being the one lent).
type PostLender interface {
	LendPost(id string) (*Post, bool, error)
}

// lendPost is the post id, lent when the state lends, or a copy of its own.
func (a *applier) lendPost(id string) (*Post, bool, error) {
	if l, ok := a.st.(PostLender); ok {
		return l.LendPost(id)
	}
	p, ok, err := a.st.Post(id)
	return &p, ok, err
}

// reasonPayload decodes the event's payload into pl; the payload most decisions carry, only
// the count of history seen, without the general decoder (decodeSeen).
func (a *applier) reasonPayload(pl *ReasonPayload) error {
	if decodeSeen(a.e.Payload, pl) {
		return nil
	}
	var v ReasonPayload // of its own: what goes to the general decoder is allocated
	if err := a.payload(&v); err != nil {
		return err
	}
	*pl = v
	return nil
}

// decodeSeen reads a payload of exactly the form {"seen":N} or {"seen":N,"checked":true}, N a
// count as strconv writes it of fewer than ten digits, into pl, as the general decoder would;
// anything else, which it reports false for, is left to the general decoder. FuzzDecodeSeen
// holds it to that decoder.
func decodeSeen(b []byte, pl *ReasonPayload) bool {
	const pre, checked = `{"seen":`, `,"checked":true}`
	if len(b) < len(pre)+2 || string(b[:len(pre)]) != pre || b[len(b)-1] != '}' {
		return false
	}
	end := len(b) - 1
	isChecked := len(b) > len(pre)+len(checked) && string(b[len(b)-len(checked):]) == checked
	if isChecked {
		end = len(b) - len(checked)
	}
	digits := b[len(pre):end]
	if len(digits) == 0 || len(digits) > 9 || digits[0] == '0' && len(digits) > 1 {
		return false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	*pl = ReasonPayload{Seen: &n, Checked: isChecked}
	return true
}

func (a *applier) postDecide() error {
	var pl ReasonPayload
	if err := a.reasonPayload(&pl); err != nil {
		return err
	}
	old, ok, err := a.lendPost(a.e.Subject) // read only: copied below to change
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown post %q", a.e.Subject)
	}
	mv := postMoves[a.e.Kind]
	if a.e.Kind == PostApprove && old.NeedsSignOff() {
		return a.refuse("post", old.ID, string(old.Status), "a major matter is published only after the secretary signs it off (PM 三(三)2)")
	}
	if a.e.Kind == PostRetract && pl.Reason == "" {
		return a.refuse("post", old.ID, string(old.Status), "a retraction tells the group and the author why (CW 三(四)2)")
	}
	if mv.reason && pl.Reason == "" {
		return a.refuse("post", old.ID, string(old.Status), "the author must be told a reason (PM 三(三)1)")
	}
	override, err := a.overrides(old, pl.Override, pl.Checked)
	if err != nil {
		return err
	}
	if pl.Seen != nil && *pl.Seen != len(old.History) {
		if !a.replay {
			return a.refuse("post", old.ID, string(old.Status), fmt.Sprintf("it changed since it was read (%d steps of history then, %d now): look at it again", *pl.Seen, len(old.History)))
		}
		return a.postConcurrent(old, pl, mv.to)
	}
	if !slices.Contains(mv.from, old.Status) {
		why := ""
		if a.e.Kind == PostRetract {
			why = "only a published post (approved, signed off, or from the chat's history) can be retracted"
		}
		return a.refuse("post", old.ID, string(old.Status), why)
	}
	p := new(Post)
	*p = *old
	d := Decision{Event: a.id, Kind: a.e.Kind, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, Reason: pl.Reason, From: p.Status, To: mv.to, Override: override}
	if override != nil && d.Reason == "" {
		d.Reason = pl.Override.Reason
	}
	if p.Disputed {
		d.Resolves, p.Disputed = true, false
	}
	p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
	p.Status, p.Reason = mv.to, pl.Reason
	a.postLine(p, old.Status, RetractRetracted, pl.Reason)
	return a.st.PutPost(old, p)
}

// overrides checks a decision's override of the post's block findings: an approval or a
// sign-off of a post with block findings needs one, naming every block rule of the post and
// saying why; nothing else may carry one. It returns the rules overridden.
func (a *applier) overrides(p *Post, o *Override, checked bool) ([]string, error) {
	if a.e.Kind != PostApprove && a.e.Kind != PostSignOff {
		if o != nil {
			return nil, a.refuse("post", p.ID, string(p.Status), "only an approval or a sign-off overrides block findings")
		}
		return nil, nil
	}
	block := p.BlockRules()
	switch {
	case o == nil && (len(block) == 0 || !checked):
		return nil, nil // no block finding, or a decision made before the rule: as it was made
	case o == nil:
		return nil, a.refuse("post", p.ID, string(p.Status), fmt.Sprintf("it has block findings (%s): it is published only by an override with a reason", strings.Join(block, ", ")))
	case len(block) == 0:
		return nil, a.refuse("post", p.ID, string(p.Status), "it has no block finding to override")
	case strings.TrimSpace(o.Reason) == "":
		return nil, a.refuse("post", p.ID, string(p.Status), "an override says why")
	}
	rules := slices.Clone(o.Rules)
	slices.Sort(rules)
	if !slices.Equal(slices.Compact(rules), block) {
		return nil, a.refuse("post", p.ID, string(p.Status), fmt.Sprintf("an override names every block finding of the post: %s", strings.Join(block, ", ")))
	}
	return block, nil
}

// postLine emits the outbox's line for a post that went from status was to p.Status: it is
// published, or taken back (why saying what took it back, reason the words told), or its
// author is told why it was not published.
func (a *applier) postLine(p *Post, was PostStatus, why, reason string) {
	l := OutboxLine{Group: p.Group, Post: p.ID, Member: p.Author} // the title is the export's: a decision reads no text
	switch {
	case p.Status.Published() && !was.Published():
		l.Action = OutPublish
	case was.Published() && !p.Status.Published():
		l.Action, l.Decision, l.Reason = OutRetract, why, reason
	case !p.Disputed && (p.Status == PostRejected || p.Status == PostChangesRequested || p.Status == PostReturned):
		l.Action, l.Decision, l.Reason = OutNotify, string(p.Status), p.Reason
	default:
		return
	}
	a.emit(l)
}

// postConcurrent folds a decision made without seeing the post's latest history: on another
// machine, before the bundles met. The rule, the same on every machine because the fold
// follows the canonical order of the log:
//   - a decision that reaches the status the post is in already concurs: it is recorded in the
//     history and changes nothing;
//   - any other leaves the post disputed: both decisions stay in the history, and the post
//     goes back to the queue unpublished, pending for an administrator, or escalated for the
//     secretary when a major matter, an escalation, a sign-off or a return is involved (a
//     sign-off endorses one exact history, so a rejection it did not see voids it until the
//     secretary signs again); a post published until then is taken back (a retract line);
//   - a disputed post is resolved by the next decision made after seeing the dispute.
func (a *applier) postConcurrent(old *Post, pl ReasonPayload, to PostStatus) error {
	p := *old
	d := Decision{Event: a.id, Kind: a.e.Kind, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, Reason: pl.Reason, From: p.Status, To: to, Concurrent: true}
	if pl.Override != nil {
		d.Override = old.BlockRules()
		if d.Reason == "" {
			d.Reason = pl.Override.Reason
		}
	}
	if to == p.Status && !p.Disputed {
		p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
		return a.st.PutPost(old, &p)
	}
	back := PostPending
	switch {
	case p.NeedsSignOff(),
		a.e.Kind == PostEscalate || a.e.Kind == PostSignOff || a.e.Kind == PostReturn,
		p.Status == PostEscalated || p.Status == PostSignedOff || p.Status == PostReturned:
		back = PostEscalated
	}
	if p.Disputed {
		back = p.Status // a dispute once open stays where it went
	}
	d.To = back
	p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
	p.Status, p.Reason, p.Disputed = back, "", true
	a.postLine(&p, old.Status, RetractDisputed, "")
	return a.st.PutPost(old, &p)
}

// LastDecision returns the index in History of the decision that an undo would reverse, or -1.
func (p *Post) LastDecision() int {
	if p.Disputed {
		return -1 // a dispute is resolved by a new decision, not undone
	}
	for i := len(p.History) - 1; i >= 0; i-- {
		d := p.History[i]
		if d.Kind == PostUndo || d.Kind == PostSubmit {
			return -1
		}
		if !d.Undone {
			return i
		}
	}
	return -1
}

func (a *applier) postUndo() error {
	p, err := load(a, postKind, nil, nil)
	if err != nil {
		return err
	}
	i := p.LastDecision()
	if i < 0 || len(a.e.Refs) != 1 || p.History[i].Event != a.e.Refs[0] {
		return a.refuse("post", p.ID, string(p.Status), "only the last decision can be undone")
	}
	d := p.History[i]
	if d.Actor != a.actor {
		return a.refuse("post", p.ID, string(p.Status), "only "+d.Actor+", who decided, can undo it")
	}
	var pl ReasonPayload
	if len(a.e.Payload) > 0 {
		if err := a.payload(&pl); err != nil {
			return err
		}
	}
	old := p
	p.History = slices.Clone(p.History)
	p.History[i].Undone = true
	p.History = append(p.History, Decision{Event: a.id, Kind: PostUndo, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, Reason: pl.Reason, From: p.Status, To: d.From})
	p.Status, p.Reason = d.From, ""
	for j := i - 1; j >= 0; j-- { // the reason in force is that of the decision now last
		if !p.History[j].Undone && p.History[j].Kind != PostUndo {
			if p.History[j].To == p.Status {
				p.Reason = p.History[j].Reason
			}
			break
		}
	}
	// Nothing published disappears silently: an approval undone after it was published is
	// taken back, a retraction undone publishes the post again.
	if old.Status.Published() != p.Status.Published() {
		a.postLine(&p, old.Status, RetractUndone, pl.Reason)
	}
	return a.st.PutPost(&old, &p)
}
