package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	fastjson "github.com/goccy/go-json"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
)

// Record is one record of an input: a line of the queue format (ParseQueueLine), or what a
// ChatMapper made of an item of a chat export or a roster. Exactly one of its entity fields is
// set. Draft makes its event's draft; the store decides what it changes.
type Record struct {
	Line        int
	Type        string
	Group       *model.Group
	Member      *model.Member
	Post        *model.Post
	Report      *model.Violation
	Application *model.Application
	// From chat exports: a sender seen, a member who left, a recall or pin of a post.
	Seen *model.Member
	Left *model.Member
	Mark *Mark

	// Merge marks a roster row of a spreadsheet: the cells it leaves empty keep what is
	// stored.
	Merge bool
	// ByName marks a post of a chat export whose sender the export names only by a name (the
	// member of that name was found, or a member by name made): a post stored already keeps
	// the author it has.
	ByName bool
}

// Mark is a recall or a pin of a post, from a chat export.
type Mark struct {
	Kind model.Kind // model.PostRecall or model.PostPin
	Post string
	Time time.Time
}

// ID is the record's own id.
func (r *Record) ID() string {
	switch {
	case r.Group != nil:
		return r.Group.ID
	case r.Member != nil:
		return r.Member.ID
	case r.Post != nil:
		return r.Post.ID
	case r.Report != nil:
		return r.Report.ID
	case r.Application != nil:
		return r.Application.ID
	case r.Seen != nil:
		return r.Seen.ID
	case r.Left != nil:
		return r.Left.ID
	case r.Mark != nil:
		return r.Mark.Post
	}
	return ""
}

// queueLine is the union of the fields of every record type of the queue format.
type queueLine struct {
	Type         string   `json:"type"`
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Platform     string   `json:"platform"`
	Owner        string   `json:"owner"`
	Admins       []string `json:"admins"`
	Branch       string   `json:"branch"`
	Purpose      string   `json:"purpose"`
	NicknameRule string   `json:"nickname_rule"`
	ApprovedBy   string   `json:"approved_by"`
	ApprovedAt   string   `json:"approved_at"`
	FilingNo     string   `json:"filing_no"`
	ProjectEnd   string   `json:"project_end"`
	RealName     bool     `json:"real_name"`

	Group       string `json:"group"`
	Nickname    string `json:"nickname"`
	Role        string `json:"role"`
	PartyMember bool   `json:"party_member"`
	Joined      string `json:"joined"`
	LastActive  string `json:"last_active"`

	Author       string   `json:"author"`
	Time         string   `json:"time"`
	Title        string   `json:"title"`
	Body         string   `json:"body"`
	Attachments  []string `json:"attachments"`
	Major        bool     `json:"major"`
	Confidential bool     `json:"confidential"`
	Category     string   `json:"category"`

	Reporter string `json:"reporter"`
	Member   string `json:"member"`
	Post     string `json:"post"`
	Text     string `json:"text"`
}

// LineError is a fault of one line of one file.
type LineError struct {
	File string
	Line int
	Msg  string
	// Err is the fault, when the catalogue words it (Msg is then its English words): In
	// gives it in the user's language.
	Err error
}

func (e *LineError) Error() string { return e.In(i18n.EN) }

// In is the fault in l: the file, the line, what is wrong.
func (e *LineError) In(l i18n.Lang) string {
	msg := e.Msg
	if e.Err != nil {
		msg = i18n.Explain(l, e.Err)
	}
	return i18n.Tf(l, "ingest.fault.line", inert.Line(e.File), e.Line, msg)
}

// lineTooLong is the fault of a line longer than MaxLine.
func lineTooLong(file string, line int) *LineError {
	fault := i18n.E("ingest.queue.too-long", MaxLine)
	return &LineError{File: file, Line: line, Msg: fault.Error(), Err: fault}
}

// Unwrap is the fault, for errors.Is and errors.As.
func (e *LineError) Unwrap() error { return e.Err }

// ReadQueue reads the queue format (JSON Lines) from r, calling fn for every record in order.
// A faulty line stops the reading with a *LineError naming the file and the line.
func ReadQueue(r io.Reader, file string, fn func(*Record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine+1) // a line of MaxLine bytes, and its end
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(b) == 0 {
			continue
		}
		rec, err := ParseQueueLine(b)
		if err != nil {
			return &LineError{File: file, Line: line, Msg: err.Error(), Err: err}
		}
		rec.Line = line
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return lineTooLong(file, line+1)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// ParseQueueLine parses and validates one line of the queue format.
func ParseQueueLine(b []byte) (*Record, error) {
	var q queueLine
	// The fast decoder takes only valid UTF-8, so a line it takes needs no other check.
	if !decodeQueueLine(b, &q) {
		if !utf8.Valid(b) {
			i := 0
			for i < len(b) {
				r, n := utf8.DecodeRune(b[i:])
				if r == utf8.RuneError && n <= 1 {
					break
				}
				i += n
			}
			return nil, i18n.E("ingest.queue.utf8", i+1)
		}
		// What the fast decoder leaves to others. q stays on the stack: the general
		// decoders get a copy of their own.
		gq := new(queueLine)
		if err := fastjson.Unmarshal(b, gq); err != nil {
			// goccy's messages are terse: ask the standard decoder what is wrong.
			if serr := json.Unmarshal(b, &queueLine{}); serr != nil {
				err = serr
			}
			return nil, i18n.E("ingest.queue.json", jsonErr(err))
		}
		q = *gq
	}
	p := parser{typ: q.Type, rid: q.ID}
	rec := &Record{Type: q.Type}
	p.id("id", q.ID)
	switch q.Type {
	case "group":
		g := &model.Group{ID: q.ID, Name: q.Name, Kind: model.GroupKind(q.Kind), Platform: q.Platform, Owner: q.Owner,
			Admins: q.Admins, Branch: q.Branch, Purpose: q.Purpose, NicknameRule: q.NicknameRule, ApprovedBy: q.ApprovedBy,
			FilingNo: q.FilingNo, RealName: q.RealName}
		p.need("name", q.Name)
		if p.err == nil && !validKind(g.Kind) {
			p.err = i18n.E("ingest.queue.group-kind", q.ID, q.Kind)
		}
		g.ApprovedAt = p.time("approved_at", q.ApprovedAt, false)
		g.ProjectEnd = p.time("project_end", q.ProjectEnd, false)
		rec.Group = g
	case "member":
		m := &model.Member{ID: q.ID, Group: q.Group, Name: q.Name, Nickname: q.Nickname, Branch: q.Branch,
			Role: model.MemberRole(q.Role), PartyMember: q.PartyMember}
		p.id("group", q.Group)
		p.need("name", q.Name)
		switch m.Role {
		case "":
			m.Role = model.MemberPlain
		case model.MemberOwner, model.MemberAdmin, model.MemberPlain:
		default:
			p.fail("ingest.queue.member-role", q.ID, q.Role)
		}
		m.Joined = p.time("joined", q.Joined, false)
		m.LastActive = p.time("last_active", q.LastActive, false)
		rec.Member = m
	case "post":
		po := &model.Post{ID: q.ID, Group: q.Group, Author: q.Author, Title: q.Title, Body: q.Body,
			Attachments: q.Attachments, Major: q.Major, Confidential: q.Confidential, Category: q.Category}
		p.id("group", q.Group)
		p.id("author", q.Author)
		po.Time = p.time("time", q.Time, true)
		rec.Post = po
	case "report":
		v := &model.Violation{ID: q.ID, Group: q.Group, Member: q.Member, Post: q.Post, Reporter: q.Reporter,
			Text: q.Text, Source: model.SourceComplaint}
		p.id("group", q.Group)
		p.id("member", q.Member)
		v.Time = p.time("time", q.Time, true)
		rec.Report = v
	case "application":
		a := &model.Application{ID: q.ID, Group: q.Group, Member: q.Member, Kind: model.ApplicationKind(q.Kind), Text: q.Text,
			Name: q.Name, Branch: q.Branch, Nickname: q.Nickname, PartyMember: q.PartyMember}
		p.id("group", q.Group)
		p.id("member", q.Member)
		switch a.Kind {
		case model.AppJoin, model.AppExit, model.AppAppeal:
		default:
			p.fail("ingest.queue.app-kind", q.ID, q.Kind)
		}
		a.Time = p.time("time", q.Time, true)
		rec.Application = a
	case "":
		return nil, i18n.E("ingest.queue.no-type")
	default:
		return nil, i18n.E("ingest.queue.type", q.Type)
	}
	for _, s := range []string{q.Name, q.Title, q.Body, q.Text, q.Nickname, q.Purpose} {
		if len(s) > maxTextLen {
			p.fail("ingest.queue.text-long", maxTextLen)
		}
	}
	if len(q.Attachments) > MaxFields || len(q.Admins) > MaxFields {
		p.fail("ingest.queue.fields", MaxFields)
	}
	if p.err != nil {
		return nil, p.err
	}
	return rec, nil
}

// parser validates the fields of one line. It holds the line's type and id (for its
// messages), not the line itself, which so stays on ParseQueueLine's stack.
type parser struct {
	typ, rid string
	err      error
}

// fail keeps the first fault of the line, a catalogue key and its arguments.
func (p *parser) fail(key string, args ...any) {
	if p.err == nil {
		p.err = i18n.E(key, args...)
	}
}

func (p *parser) need(field, v string) {
	if strings.TrimSpace(v) == "" {
		p.fail("ingest.queue.missing", p.typ, p.rid, field)
	}
}

// id checks an identifier: present, short, and free of control characters (which would
// break the store's composite keys and the screen).
func (p *parser) id(field, v string) {
	if v == "" {
		if field == "id" {
			p.fail("ingest.queue.no-id", p.typ)
		} else {
			p.fail("ingest.queue.missing", p.typ, p.rid, field)
		}
		return
	}
	if len(v) > maxIDLen {
		p.fail("ingest.queue.id-long", field, v[:32]+"…", maxIDLen)
		return
	}
	if hasControl(v) {
		p.fail("ingest.queue.control", field, v)
	}
}

// hasControl reports whether s holds a rune for which unicode.IsControl is true: U+0000
// to U+001F and U+007F to U+009F. It looks at bytes, not runes: in any string, valid
// UTF-8 or not, an ASCII byte and the byte 0xc2 (the first of U+0080 to U+00BF) start
// a rune, as no longer encoding holds them.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(s) && 0x80 <= s[i+1] && s[i+1] <= 0x9f:
			return true
		}
	}
	return false
}

func (p *parser) time(field, v string, required bool) time.Time {
	if v == "" {
		if required {
			p.fail("ingest.queue.missing", p.typ, p.rid, field)
		}
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.fail("ingest.queue.time", p.typ, p.rid, field, v)
		return time.Time{}
	}
	return t.UTC()
}

func validKind(k model.GroupKind) bool {
	for _, x := range model.GroupKinds {
		if x == k {
			return true
		}
	}
	return false
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q should be %s, not %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Draft turns a record into the draft of its import event.
func (r *Record) Draft() (model.Draft, error) {
	var (
		kind    model.Kind
		subject string
		v       any
	)
	switch {
	case r.Group != nil:
		kind, subject, v = model.GroupRegister, r.Group.ID, r.Group
	case r.Member != nil:
		kind, subject, v = model.MemberAdd, r.Member.Key(), r.Member
	case r.Post != nil:
		kind, subject, v = model.PostSubmit, r.Post.ID, r.Post
	case r.Report != nil:
		kind, subject, v = model.ComplaintFile, r.Report.ID, r.Report
	case r.Application != nil:
		kind, subject, v = model.ApplicationFile, r.Application.ID, r.Application
	case r.Seen != nil:
		kind, subject, v = model.MemberSeen, r.Seen.Key(), r.Seen
	case r.Left != nil:
		kind, subject, v = model.MemberLeave, r.Left.Key(), r.Left
	case r.Mark != nil:
		kind, subject, v = r.Mark.Kind, r.Mark.Post, &model.MarkPayload{Time: r.Mark.Time}
	default:
		return model.Draft{}, errors.New("empty record")
	}
	var payload []byte
	var err error
	if p, ok := v.(*model.Post); ok {
		payload, err = postPayload(p)
	} else {
		payload, err = json.Marshal(v)
	}
	return model.Draft{Kind: kind, Subject: subject, Payload: payload, Line: r.Line, Value: v}, err
}
