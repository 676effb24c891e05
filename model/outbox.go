package model

import "time"

// The outbox is everything the chat side must carry out and everything a person must be told
// (DOMAIN.md §8): `qunshen export decisions` writes it. Its lines are made by the fold, event by
// event in the canonical order of the log, from the state at that event, so that every machine
// with the same log has the same outbox; the store keeps them as a projection. It is
// append-only: a line once due stays due, and a later reversal is a line of its own (a
// retract after a publish, a restore after a remove). An import makes none.

// Actions of the outbox.
const (
	OutPublish  = "publish"  // publish a post
	OutNotify   = "notify"   // tell a post's author why it was not published
	OutRetract  = "retract"  // take a published post back, and tell the group and the author why
	OutAdd      = "add"      // add a member whose join was approved, and brief them (IW 第八条(四))
	OutRemove   = "remove"   // remove a member: an exit approved, a removal
	OutRestore  = "restore"  // let a removed member back: an appeal overturned, a restoration
	OutWarn     = "warn"     // warn a member
	OutMute     = "mute"     // mute a member until a time
	OutUnmute   = "unmute"   // lift a member's mute
	OutFeedback = "feedback" // tell a reporter the outcome of the report (PM 五(二)2)
	OutAnswer   = "answer"   // tell an appellant the outcome of the appeal, and why (ST 二(三)2)
)

// OutboxActions lists every action, in the order of docs/formats.md.
var OutboxActions = []string{OutPublish, OutNotify, OutRetract, OutAdd, OutRemove, OutRestore, OutWarn, OutMute, OutUnmute, OutFeedback, OutAnswer}

// Values of OutboxLine.Decision on a retract: what took the post back.
const (
	RetractRetracted = "retracted" // post.retract
	RetractUndone    = "undone"    // the approval or sign-off was undone
	RetractDisputed  = "disputed"  // decisions made without seeing each other left it in dispute
)

// OutboxLine is one line of the outbox. The fields of the actions that existed before the
// outbox (publish, notify, warn, mute, remove, restore) keep their names; a field an action
// does not have is left out, and no time is ever written as the zero time.
type OutboxLine struct {
	Action string    `json:"action"`
	Event  Hash      `json:"event,omitzero"` // the event that made it: a bot can skip what it did
	Time   time.Time `json:"time,omitzero"`  // the event's
	Group  string    `json:"group"`
	Post   string    `json:"post,omitempty"`
	// Member is the person the line is about or for: the author of a post, the member acted
	// on or added, the reporter told (feedback), the appellant answered (answer).
	Member string `json:"member"`
	Title  string `json:"title,omitempty"` // a post's title: added by the export, as the post has it
	// Decision: on notify the post's status (rejected, changes-requested, returned); on
	// retract what took it back (RetractRetracted …); on feedback the report's status; on
	// answer upheld or overturned.
	Decision string    `json:"decision,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Until    time.Time `json:"until,omitzero"` // mute
	By       string    `json:"by"`             // who decided
	Role     Role      `json:"role"`

	Name        string `json:"name,omitempty"`        // add: the member's real name
	Nickname    string `json:"nickname,omitempty"`    // add: by the group's rule
	Branch      string `json:"branch,omitempty"`      // add
	Violation   string `json:"violation,omitempty"`   // the violation a step or a feedback concerns
	Application string `json:"application,omitempty"` // the application an add, remove, restore or answer carries out
	Step        string `json:"step,omitempty"`        // the step of the discipline ladder applied
	Text        string `json:"text,omitempty"`        // feedback: what the reporter is told
	// Brief is what a member added must be briefed on (IW 第八条(四)): the export fills it
	// from the policy in force, which the fold does not know.
	Brief *Brief `json:"brief,omitempty"`
}

// Brief is the briefing of a new member: the group's rules and the negative list.
type Brief struct {
	Rules    []BriefRule `json:"rules"`
	Negative []BriefRule `json:"negative_list"`
}

// BriefRule is one rule of a briefing: its id, its name and the clause behind it.
type BriefRule struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Clause string `json:"clause"`
}

// emit adds a line to what the event being folded makes: its event, time, actor and role are
// the event's.
func (a *applier) emit(l OutboxLine) {
	l.Event, l.Time, l.By, l.Role = a.id, a.e.Time, a.actor, a.e.Role
	a.out = append(a.out, l)
}

// NicknameFor is the nickname a group's rule gives a member: "branch+name" (所在党支部+姓名,
// PM 二(一)2) and "dept+name" (部门/社区+姓名, ST 二(一)2) the branch (or the group's) and the
// name, "name" the name; no rule, or one not known, the name.
func NicknameFor(rule string, g *Group, name, branch string) string {
	switch rule {
	case "branch+name", "dept+name":
		if branch == "" {
			branch = g.Branch
		}
		if branch != "" {
			return branch + "-" + name
		}
	}
	return name
}
