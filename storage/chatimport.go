package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.etcd.io/bbolt"

	"qunshen/internal/ingest"
	"qunshen/model"
)

// QueueFormat is the name of the project's own queue format, for ImportOptions.Format.
const QueueFormat = "queue"

// Formats lists the names of the formats an import reads, in the order of detection.
func Formats() []string { return append([]string{QueueFormat}, ingest.Names()...) }

// source is one file of an import and its format: parser is nil for the queue format.
type source struct {
	file   string
	parser *ingest.Parser
}

// format is the name of the source's format.
func (s source) format() string {
	if s.parser == nil {
		return QueueFormat
	}
	return s.parser.Name
}

// detectFormats finds the format of each file: the one named, or the one its head shows.
func detectFormats(files []string, name string) ([]source, error) {
	var named *ingest.Parser
	switch {
	case name == "" || name == QueueFormat:
	default:
		p, ok := ingest.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown format %q (the formats are %s)", name, strings.Join(Formats(), ", "))
		}
		named = &p
	}
	out := make([]source, 0, len(files))
	for _, f := range files {
		if name != "" {
			out = append(out, source{file: f, parser: named})
			continue
		}
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		head := make([]byte, ingest.HeadSize)
		n, err := io.ReadFull(r, head)
		r.Close()
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		head = head[:n]
		if isQueue(head) {
			out = append(out, source{file: f})
			continue
		}
		p, ok := ingest.Detect(head)
		if !ok {
			return nil, fmt.Errorf("%s: not a format qunshen knows (it reads %s); name one with --format", f, strings.Join(Formats(), ", "))
		}
		out = append(out, source{file: f, parser: &p})
	}
	return out, nil
}

// isQueue reports whether a head is the queue format: its first line an object whose "type"
// is one of the queue's record types. An empty file is an empty queue.
func isQueue(head []byte) bool {
	head = bytes.TrimSpace(ingest.TrimBOM(head))
	if len(head) == 0 {
		return true
	}
	line, _, _ := strings.Cut(string(head), "\n")
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "{") {
		return false
	}
	rec, err := ParseQueueLine([]byte(line))
	if err == nil {
		return rec != nil
	}
	// A faulty first line is still the queue's when it names a queue type: the import then
	// reports the fault, instead of calling the file unknown.
	for _, t := range []string{"group", "member", "post", "report", "application"} {
		if strings.Contains(line, `"type":"`+t+`"`) || strings.Contains(line, `"type": "`+t+`"`) {
			return true
		}
	}
	return false
}

// Reasons a message does not become a post, as ImportResult.Passed counts them.
const (
	PassedService = "service messages"
	PassedPrivate = "one-to-one messages"
	PassedEmpty   = "empty messages"
)

// chatMapper turns the items of one chat export into records: the groups it needs, the
// senders as members seen, the messages as posts, recalls and pins as marks. It is run twice
// over a file — to validate, then to store — and gives the same records both times.
type chatMapper struct {
	format   string
	platform string
	group    string // --group, or "" to take each chat's own
	history  bool
	// groupKnown reports whether a group is stored.
	groupKnown func(id string) bool
	made       map[string]bool // groups this import makes, by id
	senders    map[memberRef]*senderSeen
	order      []memberRef
	passed     map[string]int
}

type senderSeen struct {
	sender ingest.Sender
	first  time.Time // the LastActive of the record that made it known
	last   time.Time
}

func newChatMapper(p *ingest.Parser, group string, history bool, groupKnown func(string) bool) *chatMapper {
	return &chatMapper{format: p.Name, platform: p.Platform, group: group, history: history, groupKnown: groupKnown,
		made: map[string]bool{}, senders: map[memberRef]*senderSeen{}, passed: map[string]int{}}
}

// idPart makes an export's id usable in ours: as it is when it is short and plain, else a
// digest of it.
func idPart(s string) string {
	plain := len(s) > 0 && len(s) <= 64
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.@=+", c) >= 0
	}
	if plain {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "h" + hex.EncodeToString(sum[:8])
}

// groupOf is the group of a chat: --group, or one made from the format and the chat's id.
func (m *chatMapper) groupOf(c ingest.Chat) string {
	if m.group != "" {
		return m.group
	}
	return m.format + "-" + idPart(c.ID)
}

// postID is a post's id: the format, the chat and the message's own id, so that importing
// the same export again finds the same posts.
func (m *chatMapper) postID(c ingest.Chat, msg string) string {
	return m.format + ":" + idPart(c.ID) + ":" + idPart(msg)
}

// memberID is a sender's id in its group: the platform id, or its name when the export gives
// none.
func memberID(s ingest.Sender) string {
	switch {
	case s.ID != "":
		return validText(s.ID)
	case s.Name != "":
		return "name:" + validText(s.Name)
	case s.Nickname != "":
		return "name:" + validText(s.Nickname)
	}
	return ""
}

// item maps one item; emit receives the records in order. A reason is returned for an item
// that cannot be mapped: the file's fault, like a Bad item.
func (m *chatMapper) item(it ingest.Item, emit func(*Record)) string {
	switch {
	case it.Bad != nil:
		return it.Bad.Reason
	case it.Member != nil:
		return m.rosterRow(it.Member, emit)
	case it.Msg != nil:
		return m.message(it.Msg, emit)
	}
	return ""
}

func (m *chatMapper) rosterRow(r *ingest.Member, emit func(*Record)) string {
	mem := r.Member
	if m.group != "" {
		mem.Group = m.group
	}
	switch {
	case mem.Group == "":
		return "the roster names no group for this member: give --group"
	case mem.ID == "":
		return "a member without an id"
	case len(mem.ID) > maxIDLen || len(mem.Group) > maxIDLen:
		return "an id longer than 256 bytes"
	case !m.groupKnown(mem.Group):
		return fmt.Sprintf("unknown group %q: import the group first", mem.Group)
	}
	mem.Status, mem.MutedUntil, mem.Warnings, mem.Step = "", time.Time{}, 0, ""
	// Instants in UTC, as they come back from the store, so that an unchanged row compares
	// equal to what is stored.
	if !mem.Joined.IsZero() {
		mem.Joined = mem.Joined.UTC()
	}
	if !mem.LastActive.IsZero() {
		mem.LastActive = mem.LastActive.UTC()
	}
	emit(&Record{Line: r.Pos.Line, Member: &mem, merge: true})
	return ""
}

func (m *chatMapper) message(msg *ingest.Message, emit func(*Record)) string {
	if msg.Kind == ingest.KindSystem {
		m.passed[PassedService]++
		return ""
	}
	if msg.Chat.ID == "" && m.group == "" {
		m.passed[PassedPrivate]++
		return ""
	}
	if msg.Time.IsZero() {
		return "a message without a time"
	}
	gid := m.groupOf(msg.Chat)
	if len(gid) > maxIDLen {
		return "a group id longer than 256 bytes"
	}
	if !m.made[gid] && !m.groupKnown(gid) {
		if m.group != "" {
			return fmt.Sprintf("unknown group %q: import the group first, or leave out --group", gid)
		}
		name := msg.Chat.Name
		if name == "" {
			name = msg.Chat.ID
		}
		m.made[gid] = true
		emit(&Record{Line: msg.Pos.Line, Group: &model.Group{ID: gid, Name: cutBytes(name, 200), Kind: model.KindWork, Platform: m.platform}})
	}
	t := msg.Time.UTC()
	switch msg.Kind {
	case ingest.KindRecall, ingest.KindPin:
		if msg.Target == "" {
			return "a recall or pin that names no message"
		}
		kind := model.PostRecall
		if msg.Kind == ingest.KindPin {
			kind = model.PostPin
		}
		emit(&Record{Line: msg.Pos.Line, Mark: &Mark{Kind: kind, Post: m.postID(msg.Chat, msg.Target), Time: t}})
		return ""
	case ingest.KindJoin, ingest.KindLeave:
		who := msg.Members
		if len(who) == 0 {
			who = []ingest.Sender{msg.Sender}
		}
		for _, s := range who {
			id := memberID(s)
			if id == "" || len(id) > maxIDLen {
				return "a member who joined or left without an id or a name"
			}
			if msg.Kind == ingest.KindJoin {
				m.seen(gid, id, s, t, t, msg.Pos.Line, emit)
				continue
			}
			m.seen(gid, id, s, t, time.Time{}, msg.Pos.Line, emit)
			emit(&Record{Line: msg.Pos.Line, Left: &model.Member{ID: id, Group: gid, LastActive: t}})
		}
		return ""
	}
	id := memberID(msg.Sender)
	switch {
	case id == "":
		return "a message without a sender"
	case len(id) > maxIDLen:
		return "a sender id longer than 256 bytes"
	case msg.ID == "":
		return "a message without an id"
	case len(msg.Text) > maxTextLen || len(msg.Title) > maxTextLen:
		return fmt.Sprintf("a message longer than %d bytes", maxTextLen)
	case !utf8.ValidString(msg.Text) || !utf8.ValidString(msg.Title):
		return "a message that is not valid UTF-8"
	}
	if strings.TrimSpace(msg.Text) == "" && strings.TrimSpace(msg.Title) == "" && len(msg.Media) == 0 {
		m.passed[PassedEmpty]++
		return ""
	}
	m.seen(gid, id, msg.Sender, t, time.Time{}, msg.Pos.Line, emit)
	p := &model.Post{ID: m.postID(msg.Chat, msg.ID), Group: gid, Author: id, Time: t, Title: msg.Title, Body: msg.Text,
		Attachments: clipAll(msg.Media), Source: m.format, Forwarded: cutBytes(validText(msg.Forwarded), 200)}
	p.FromHistory = m.history
	emit(&Record{Line: msg.Pos.Line, Post: p})
	return ""
}

// seen makes a sender known the first time the file names it, and remembers the last time
// it spoke for finish.
func (m *chatMapper) seen(gid, id string, s ingest.Sender, t, joined time.Time, line int, emit func(*Record)) {
	k := memberRef{gid, id}
	if x, ok := m.senders[k]; ok && joined.IsZero() {
		if t.After(x.last) {
			x.last = t
			if s.Nickname != "" {
				x.sender.Nickname = s.Nickname
			}
		}
		return
	}
	if x, ok := m.senders[k]; ok {
		x.last = laterOf(x.last, t)
	} else {
		m.senders[k] = &senderSeen{sender: s, first: t, last: t}
		m.order = append(m.order, k)
	}
	name := s.Name
	if name == "" && s.Nickname == "" {
		name = strings.TrimPrefix(id, "name:") // an export that knows only the sender's id
	}
	emit(&Record{Line: line, Seen: &model.Member{ID: id, Group: gid, Name: cutBytes(name, 200), Nickname: cutBytes(s.Nickname, 200), Role: s.Role, Joined: joined, LastActive: t}})
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// finish brings every sender's last-active time and latest nickname up to date, in the order
// the senders were first seen.
func (m *chatMapper) finish(emit func(*Record)) {
	for _, k := range m.order {
		x := m.senders[k]
		if x.last.After(x.first) {
			emit(&Record{Seen: &model.Member{ID: k.id, Group: k.group, Nickname: cutBytes(x.sender.Nickname, 200), LastActive: x.last}})
		}
	}
}

// clipAll keeps at most 64 attachments of a message, each name cut at 512 bytes.
func clipAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(ss), 64))
	for _, s := range ss[:min(len(ss), 64)] {
		out = append(out, cutBytes(validText(s), 512))
	}
	return out
}

// parseFile runs a format's parser over a file, telling reading (when set) how far it came.
func parseFile(src source, reading func(done, total int64), emit func(ingest.Item) error) error {
	f, err := os.Open(src.file)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if reading != nil {
		var total int64
		if fi, err := f.Stat(); err == nil {
			total = fi.Size()
		}
		r = &countingReader{r: f, total: total, report: reading}
	}
	return src.parser.Parse(bufio.NewReaderSize(r, 1<<20), src.file, emit)
}

// countingReader tells report how much was read, every 4 MiB.
type countingReader struct {
	r           io.Reader
	done, total int64
	last        int64
	report      func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.done-c.last >= 4<<20 || err == io.EOF {
		c.last = c.done
		c.report(c.done, c.total)
	}
	return n, err
}

// readingOf is the progress callback of one pass over one file.
func readingOf(opt ImportOptions, file string, store bool) func(done, total int64) {
	if opt.Reading == nil {
		return nil
	}
	return func(done, total int64) { opt.Reading(file, store, done, total) }
}

// badError is a record of a chat export that cannot be imported.
func badError(file string, pos ingest.Pos, reason string) error {
	if pos.Line > 0 {
		return &LineError{File: file, Line: pos.Line, Msg: reason}
	}
	return fmt.Errorf("%s: byte %d: %s", file, pos.Offset, reason)
}

// validateChat is the first pass over a chat export: read it whole, map every item, and
// check what the store must admit — the groups named exist, a message stored already and
// decided comes back unchanged. Faults go to add; it returns false when add says to stop.
//
// stored gathers the kind of every group the file names that is stored ("" for one that is
// not); kinds gathers the kinds of the groups the import stores or makes, for the checks.
func (s *Store) validateChat(src source, opt ImportOptions, stored, kinds map[string]model.GroupKind, notes map[string]bool, res *ImportResult, add func(error) bool) bool {
	goOn := true
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		groupKnown := func(id string) bool {
			if kind, seen := stored[id]; seen {
				return kind != ""
			}
			g, ok, err := st.Group(id)
			stored[id] = ""
			if err == nil && ok {
				stored[id], kinds[id] = g.Kind, g.Kind
			}
			return stored[id] != ""
		}
		m := newChatMapper(src.parser, opt.Group, opt.History, groupKnown)
		var pos ingest.Pos
		check := func(rec *Record) {
			if rec.Group != nil {
				kinds[rec.Group.ID] = rec.Group.Kind
			}
			if rec.Post == nil || !goOn {
				return
			}
			old, ok, err := st.Post(rec.Post.ID)
			if err != nil || !ok {
				return
			}
			if !samePost(&old, rec.Post) && old.Status != model.PostPending && old.Status != model.PostChangesRequested && old.Status != model.PostReturned {
				goOn = add(badError(src.file, pos, fmt.Sprintf("message %s is stored and %s already, and has changed since: a changed post must come under a new id", rec.Post.ID, old.Status)))
			}
		}
		err := parseFile(src, readingOf(opt, src.file, false), func(it ingest.Item) error {
			if it.Note != "" {
				note := it.Note
				if !strings.HasPrefix(note, src.file) {
					note = src.file + ": " + note
				}
				if !notes[note] {
					notes[note] = true
					res.Notes = append(res.Notes, note)
				}
				return nil
			}
			pos = itemPos(it)
			if reason := m.item(it, check); reason != "" && !opt.SkipBad {
				goOn = add(badError(src.file, pos, reason+" (--skip-bad imports the rest)"))
			}
			if !goOn {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			goOn = add(err)
		}
		return nil
	})
	if err != nil {
		return add(err)
	}
	return goOn
}

func itemPos(it ingest.Item) ingest.Pos {
	switch {
	case it.Msg != nil:
		return it.Msg.Pos
	case it.Member != nil:
		return it.Member.Pos
	case it.Bad != nil:
		return it.Bad.Pos
	}
	return ingest.Pos{}
}

// importChat is the second pass over a chat export: map its items again and store them as
// the queue's records are stored, the checks on every core. The records that cannot be
// imported (only with SkipBad) go, with their reasons, to a file beside the input.
//
// stored and kinds are what validateChat gathered; neither is changed here.
func (s *Store) importChat(signer *model.Signer, src source, stored, kinds map[string]model.GroupKind, opt ImportOptions, res *ImportResult) error {
	groupKnown := func(id string) bool { return stored[id] != "" }
	m := newChatMapper(src.parser, opt.Group, opt.History, groupKnown)
	rej := &rejects{file: src.file}
	defer rej.abandon()
	err := s.store(signer, src.file, kinds, nil, opt, res, func(prepare func(*Record) error, deliver func([]*Record) error) error {
		return prepareInOrder(runtime.GOMAXPROCS(0), prepare, deliver, func(emit func(*Record) error) error {
			var emitErr error
			put := func(rec *Record) {
				if emitErr == nil {
					emitErr = emit(rec)
				}
			}
			err := parseFile(src, readingOf(opt, src.file, true), func(it ingest.Item) error {
				if it.Note != "" {
					return nil
				}
				if reason := m.item(it, put); reason != "" {
					if err := rej.add(it, reason); err != nil {
						return err
					}
				}
				return emitErr
			})
			if err != nil {
				return err
			}
			m.finish(put)
			return emitErr
		})
	})
	if err != nil {
		return err
	}
	for k, n := range m.passed {
		if res.Passed == nil {
			res.Passed = map[string]int{}
		}
		res.Passed[k] += n
	}
	if rej.n > 0 {
		name, err := rej.commit()
		if err != nil {
			return err
		}
		res.Rejected += rej.n
		res.Rejects = append(res.Rejects, name)
	}
	return nil
}

// prepareInOrder runs prepare on the records that produce emits, on workers goroutines, and
// hands them to deliver in chunks, in the order produced, on the calling goroutine.
func prepareInOrder(workers int, prepare func(*Record) error, deliver func([]*Record) error, produce func(emit func(*Record) error) error) error {
	const chunkSize = 1024
	type job struct {
		recs []*Record
		err  error
		done chan struct{}
	}
	workers = max(workers, 1)
	jobs := make(chan *job, workers)
	ordered := make(chan *job, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				for _, r := range j.recs {
					if j.err = prepare(r); j.err != nil {
						break
					}
				}
				close(j.done)
			}
		}()
	}
	var produceErr error
	go func() {
		defer close(ordered)
		defer close(jobs)
		cur := make([]*Record, 0, chunkSize)
		send := func() error {
			j := &job{recs: cur, done: make(chan struct{})}
			cur = make([]*Record, 0, chunkSize)
			select {
			case ordered <- j:
			case <-stop:
				return errStop
			}
			select {
			case jobs <- j:
			case <-stop:
				close(j.done)
				return errStop
			}
			return nil
		}
		produceErr = produce(func(r *Record) error {
			cur = append(cur, r)
			if len(cur) == chunkSize {
				return send()
			}
			return nil
		})
		if produceErr == nil && len(cur) > 0 {
			produceErr = send()
		}
	}()
	var err error
	for j := range ordered {
		<-j.done
		if err == nil {
			err = j.err
		}
		if err == nil {
			err = deliver(j.recs)
		}
		if err != nil {
			break
		}
	}
	close(stop)
	for j := range ordered {
		<-j.done
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if errors.Is(produceErr, errStop) {
		return nil
	}
	return produceErr
}

// rejects gathers the records of a file that --skip-bad set aside, as JSON Lines beside the
// input: <file>.rejected.jsonl, each line the record's place, the reason and the record.
type rejects struct {
	file string
	tmp  *os.File
	w    *bufio.Writer
	n    int
}

// RejectsSuffix is added to an input's name for the file of its rejected records.
const RejectsSuffix = ".rejected.jsonl"

type rejectLine struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	Reason string `json:"reason"`
	Record string `json:"record,omitempty"`
}

func (r *rejects) add(it ingest.Item, reason string) error {
	if r.tmp == nil {
		f, err := os.CreateTemp(dirOf(r.file), ".qunshen-rejects-*")
		if err != nil {
			return err
		}
		r.tmp, r.w = f, bufio.NewWriter(f)
	}
	pos := itemPos(it)
	l := rejectLine{File: r.file, Line: pos.Line, Offset: pos.Offset, Reason: reason}
	if it.Bad != nil {
		l.Record = strings.ToValidUTF8(string(it.Bad.Raw[:min(len(it.Bad.Raw), 64<<10)]), "\uFFFD")
	} else if it.Msg != nil {
		l.Record = cutBytes(it.Msg.Text, 64<<10)
	}
	b, err := encode(l)
	if err != nil {
		return err
	}
	r.n++
	_, err = r.w.Write(append(b, '\n'))
	return err
}

func (r *rejects) commit() (string, error) {
	name := r.file + RejectsSuffix
	if err := r.w.Flush(); err != nil {
		return "", err
	}
	if err := r.tmp.Sync(); err != nil {
		return "", err
	}
	if err := r.tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(r.tmp.Name(), name); err != nil {
		return "", err
	}
	r.tmp = nil
	return name, nil
}

func (r *rejects) abandon() {
	if r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
	}
}

func dirOf(file string) string {
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		return file[:i+1]
	}
	return "."
}

// settle readies a record of a chat export for the store, in the writing transaction: a
// roster row keeps what is stored where its cells are empty; a recall or a pin of a post that
// is not stored is passed over (skip).
func (st *txState) settle(rec *Record) (skip bool, err error) {
	switch {
	case rec.Mark != nil:
		_, ok, err := st.Post(rec.Mark.Post)
		return !ok, err
	case rec.merge && rec.Member != nil:
		old, ok, err := st.Member(rec.Member.Key())
		if err != nil || !ok {
			return false, err
		}
		m := rec.Member
		for _, f := range []struct {
			dst *string
			old string
		}{{&m.Name, old.Name}, {&m.Nickname, old.Nickname}, {&m.Branch, old.Branch}} {
			if *f.dst == "" {
				*f.dst = f.old
			}
		}
		if m.Role == "" {
			m.Role = old.Role
		}
		if m.Joined.IsZero() {
			m.Joined = old.Joined
		}
		m.PartyMember = m.PartyMember || old.PartyMember
		rec.draft, err = rec.Draft()
		return false, err
	}
	return false, nil
}

// validText is s as JSON carries it: each byte of invalid UTF-8 a U+FFFD. A post is stored as
// the import gives it, and replayed from its payload in JSON: the two must be the same post.
// (The text and title of a message are refused when they are not UTF-8.)
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// cutBytes cuts s to at most n bytes, on a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
