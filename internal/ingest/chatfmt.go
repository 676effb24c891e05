// Package ingest reads the files an administrator actually has: the exports of the chat
// tools that groups run on (Telegram Desktop, QQ, WeCom, WeChat) and member rosters saved by a
// spreadsheet. Each format is a Parser that streams the file into Items — messages, members,
// and records it could not read — in the file's order, in bounded memory. Mapping the items
// to groups, members and posts, and storing them, is the importer's (package storage).
package ingest

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// MsgKind is what a message of an export is.
type MsgKind int

const (
	// KindPost is a member's message: it becomes a post.
	KindPost MsgKind = iota
	// KindRecall is the recall of an earlier message (Target) by its author.
	KindRecall
	// KindPin is the pinning of an earlier message (Target).
	KindPin
	// KindJoin is a service message: Members (or the sender, when Members is empty) joined.
	KindJoin
	// KindLeave is a service message: Members (or the sender) left or were removed.
	KindLeave
	// KindSystem is any other service or system message: counted, not imported.
	KindSystem
)

// Chat is the chat a message belongs to, as the export names it.
type Chat struct {
	// ID is the export's own id of the chat (Telegram id, QQ group number, WeCom roomid …),
	// the same in every export of the chat. It is empty where the export carries none (a
	// WeChatMsg CSV, a qq-chat-exporter file renamed): the importer then needs --group.
	ID   string
	Name string
	Type string // as the export says: private_group, supergroup, group, single …
}

// Chat types that the readers of several formats give.
const (
	ChatGroup  = "group"
	ChatSingle = "single" // a one-to-one chat
)

// Sender is who sent a message, or who joined or left.
type Sender struct {
	ID       string // the platform id: QQ number or e-mail, Telegram user id, WeCom userid, wxid
	Name     string // the real name, when the export has one
	Nickname string // the display name or group card in the chat
	Role     model.MemberRole
}

// Pos is where a record stands in its file: a line (counted from 1) for line formats, a byte
// offset for the rest; both when known.
type Pos struct {
	Line   int
	Offset int64
}

func (p Pos) String() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("line %d", p.Line)
	default:
		return fmt.Sprintf("byte %d", p.Offset)
	}
}

// Message is one message of a chat export.
type Message struct {
	Kind MsgKind
	// ID is the source's own id of the message, unique in its chat. A format without ids
	// (QQ TXT) makes one from the time, the sender and the text, counting repeats, so that the
	// same file always gives the same ids.
	ID        string
	Chat      Chat
	Time      time.Time
	Sender    Sender
	Title     string
	Text      string
	Media     []string // photos, files, stickers, voice …: noted by file name or by type
	Forwarded string   // whom a forwarded message came from
	Target    string   // KindRecall, KindPin: the ID of the message recalled or pinned
	Members   []Sender // KindJoin, KindLeave
	Pos       Pos
}

// Member is one row of a roster.
type Member struct {
	model.Member
	Pos Pos
}

// Bad is a record the parser could not read; the rest of the file is still read. An import
// refuses the file for it, or with --skip-bad writes it, with its reason, beside the input.
type Bad struct {
	Pos    Pos
	Raw    []byte // the record as it stands in the file (a copy)
	Reason string // in English, for the rejects file
	// Why is the reason as a catalogue error, for the user's language, where the reader has
	// one; its English text is Reason.
	Why *i18n.Error
}

// Item is one thing read from a file: exactly one field is set.
type Item struct {
	Msg    *Message
	Member *Member
	Bad    *Bad
	// Note is something the user should hear about the file that is not a fault (an unknown
	// column of a roster, a forwarded message from an unknown source …).
	Note string
	// Notice is the note as a catalogue error, for the user's language, where the reader has
	// one; its English text is Note.
	Notice *i18n.Error
}

// badItem is a record that cannot be read, with why in the catalogue.
func badItem(pos Pos, raw []byte, why *i18n.Error) Item {
	return Item{Bad: &Bad{Pos: pos, Raw: raw, Reason: why.Error(), Why: why}}
}

// noticeItem is a note in the catalogue.
func noticeItem(n *i18n.Error) Item { return Item{Note: n.Error(), Notice: n} }

// At is where a record stands in file, as a catalogue error to put in a message.
func (p Pos) At(file string) *i18n.Error {
	if p.Line > 0 {
		return i18n.E("ingest.at.line", file, p.Line)
	}
	return i18n.E("ingest.at.byte", file, p.Offset)
}

// Fault is a fault of the record at p of file, in the catalogue: "file:line: why" (or the
// byte offset in a JSON document).
func (p Pos) Fault(file string, why error) *i18n.Error {
	if p.Line > 0 {
		return i18n.E("ingest.fault.line", file, p.Line, why)
	}
	return i18n.E("ingest.fault.byte", file, p.Offset, why)
}

// Error is a fault that stops the reading of a file: the file is not what its format says.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos == (Pos{}) {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Pos, e.Msg)
}

// Parser is one format.
type Parser struct {
	Name  string // as --format takes it: telegram, qq-txt, qq-nt, wecom, wechat-csv, roster-csv
	Title string // what the format is, for messages and --help
	// Platform is the chat platform of the format's exports, for the groups an import makes
	// of their chats; empty for a roster.
	Platform string
	// Order places detection: lower first. A format whose signature is more specific comes
	// before one that would also accept the file.
	Order int
	// Detect reports whether head, the first bytes of a file (up to HeadSize, BOM included),
	// looks like this format.
	Detect func(head []byte) bool
	// Parse reads the file from r, named file in errors, calling emit for each item in the
	// file's order. A fault of one record is an Item with Bad; a fault that stops the reading
	// is an *Error. An error returned by emit stops the reading and is returned as it is.
	Parse func(r io.Reader, file string, emit func(Item) error) error
}

// HeadSize is how much of a file detection looks at.
const HeadSize = 64 << 10

var parsers []Parser

// Register adds a format; each parser's file registers itself.
func Register(p Parser) {
	parsers = append(parsers, p)
	slices.SortStableFunc(parsers, func(a, b Parser) int { return a.Order - b.Order })
}

// Parsers lists the formats, in the order of detection.
func Parsers() []Parser { return slices.Clone(parsers) }

// Lookup finds a format by its name.
func Lookup(name string) (Parser, bool) {
	for _, p := range parsers {
		if p.Name == name {
			return p, true
		}
	}
	return Parser{}, false
}

// Detect finds the format of a file from its head; ok is false when no format knows it.
func Detect(head []byte) (Parser, bool) {
	for _, p := range parsers {
		if p.Detect(head) {
			return p, true
		}
	}
	return Parser{}, false
}

// Names lists the names of the formats, in the order of detection.
func Names() []string {
	out := make([]string, len(parsers))
	for i, p := range parsers {
		out[i] = p.Name
	}
	return out
}

// BOM is the UTF-8 byte order mark that spreadsheets write.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// TrimBOM cuts a leading UTF-8 byte order mark.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, BOM) }

// China is the time of the exports that write local times without a zone (QQ TXT, WeChat
// StrTime, rosters): China Standard Time, whatever the machine's zone, so that one file gives
// the same times on every machine.
var China = time.FixedZone("CST", 8*3600)
