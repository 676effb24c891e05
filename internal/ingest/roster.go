package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Member rosters saved as CSV by a spreadsheet (Excel, WPS, LibreOffice): a header row, then
// one member a row. UTF-8 with or without a BOM, or GB18030/GBK (what Chinese Excel writes for
// "CSV"); comma- or tab-separated. The headers are read in Chinese or English, whatever their
// case, spaces or width:
//
//	QQ号,姓名,群名片,所在支部,群身份,是否党员,入群时间
//	123456789,张三,第三党支部-张三,第三党支部,群主,是,2024/3/1 9:30

func init() {
	Register(Parser{
		Name:   "roster-csv",
		Title:  "member roster saved as CSV by a spreadsheet (UTF-8 or GBK)",
		Order:  80,
		Detect: rosterDetect,
		Parse:  rosterParse,
	})
}

type rosterField int

const (
	rosterUnknown rosterField = iota
	rosterID
	rosterName
	rosterNickname
	rosterBranch
	rosterRole
	rosterParty
	rosterJoined
	rosterActive
	rosterGroup
)

var rosterFieldNames = [...]string{"", "id", "name", "nickname", "branch", "role", "party_member", "joined", "last_active", "group"}

// rosterHeaders maps a header, normalised by rosterNorm, to its field. rosterFallback maps
// headers that mean a field only where no column of rosterHeaders gives it: 备注 is the name
// the exporting user gave a member in a group member list, but free notes in a personnel list
// that has 姓名; 微信昵称 and QQ昵称 are nicknames where no group nickname is given.
var rosterHeaders, rosterFallback = map[string]rosterField{}, map[string]rosterField{}

func init() {
	for f, names := range map[rosterField][]string{
		rosterID:       {"成员ID", "成员编号", "账号", "帐号", "用户ID", "用户名", "微信号", "微信ID", "微信账号", "wxid", "QQ号", "QQ号码", "QQ", "QQ账号", "id", "userid", "user id", "account", "username"},
		rosterName:     {"姓名", "真实姓名", "真名", "实名", "成员姓名", "名字", "name", "real name", "realname", "full name"},
		rosterNickname: {"昵称", "群昵称", "群内昵称", "群名片", "备注名", "显示名称", "显示名", "成员昵称", "nickname", "nick", "display name", "group nickname"},
		rosterBranch:   {"所在支部", "所在党支部", "所属支部", "所属党支部", "所在党组织", "党组织", "所在部门", "所属部门", "支部", "党支部", "部门", "单位", "branch", "department", "dept"},
		rosterRole:     {"角色", "群身份", "身份", "群角色", "role"},
		rosterParty:    {"是否党员", "党员", "政治面貌", "party member", "party_member", "party"},
		rosterJoined:   {"入群时间", "加入时间", "进群时间", "加群时间", "入群日期", "加入日期", "joined", "join time", "joined at", "join date"},
		rosterActive:   {"最后发言时间", "最后发言", "最后发言日期", "最近活跃", "最近发言", "最近发言时间", "最后活跃时间", "last active", "last_active", "last seen", "last message"},
		rosterGroup:    {"群", "群组", "群号", "群名", "群名称", "群ID", "group", "group id"},
	} {
		for _, n := range names {
			rosterHeaders[rosterNorm(n)] = f
		}
	}
	for f, names := range map[rosterField][]string{
		rosterName:     {"备注", "remark", "remarks"},
		rosterNickname: {"微信昵称", "QQ昵称", "成员"},
	} {
		for _, n := range names {
			rosterFallback[rosterNorm(n)] = f
		}
	}
}

// rosterNorm folds a header for matching: full-width forms to their ASCII twins (NFKC), lower
// case, without spaces, underscores and hyphens.
func rosterNorm(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// rosterComma picks the separator from the header line: a tab when it has more tabs than
// commas.
func rosterComma(line []byte) byte {
	if bytes.Count(line, []byte{'\t'}) > bytes.Count(line, []byte{','}) {
		return '\t'
	}
	return ','
}

// rosterDetect accepts a head whose first line has at least two cells that are roster headers,
// one of them the id or the name.
func rosterDetect(head []byte) bool {
	line := textFirstLine(textHead(head))
	if len(line) == 0 || line[0] == '{' || line[0] == '[' {
		return false
	}
	seen := map[rosterField]bool{}
	for _, cell := range bytes.Split(line, []byte{rosterComma(line)}) {
		cell = bytes.Trim(bytes.TrimSpace(cell), `"`)
		if f := rosterHeaders[rosterNorm(string(cell))]; f != rosterUnknown {
			seen[f] = true
		}
	}
	return len(seen) >= 2 && (seen[rosterID] || seen[rosterName])
}

func rosterParse(r io.Reader, file string, emit func(Item) error) error {
	br, _, err := textDecoder(r)
	if err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	first, _ := br.Peek(HeadSize)
	cr := newCSVReader(br, rosterComma(textFirstLine(first)))
	rp := rosterParser{file: file, emit: emit}
	return rp.run(cr)
}

type rosterParser struct {
	file    string
	emit    func(Item) error
	cols    []rosterField
	names   []string // the header of each column
	byName  bool     // no id column: a member's id is their name
	intern  csvInterner
	short   int // rows short of trailing cells that are not read
	shortAt int // the line of the first
	missing map[string]bool
}

func (p *rosterParser) run(cr *csvReader) error {
	header, err := cr.read()
	for err == nil && rosterBlank(header) {
		header, err = cr.read()
	}
	if err == io.EOF {
		return &Error{File: p.file, Msg: "an empty file: no header row"}
	}
	if se, ok := err.(*csvSyntaxError); ok {
		return &Error{File: p.file, Pos: Pos{Line: se.Line}, Msg: "the header row: " + se.Why.Error()}
	}
	if err != nil {
		return &Error{File: p.file, Msg: err.Error()}
	}
	headerLine := cr.recLine
	if err := p.header(header, headerLine); err != nil {
		return err
	}
	for {
		rec, err := cr.read()
		if err == io.EOF {
			return p.end()
		}
		if se, ok := err.(*csvSyntaxError); ok {
			if err := p.emit(badItem(Pos{Line: cr.recLine, Offset: cr.recOff}, cr.rawCopy(), se.Why)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return &Error{File: p.file, Pos: Pos{Line: cr.lines.line + 1}, Msg: err.Error()}
		}
		if rosterBlank(rec) {
			continue
		}
		pos := Pos{Line: cr.recLine, Offset: cr.recOff}
		m, why := p.row(rec, pos)
		switch {
		case why != nil:
			err = p.emit(badItem(pos, cr.rawCopy(), why))
		default:
			err = p.emit(Item{Member: &Member{Member: m, Pos: pos}})
		}
		if err != nil {
			return err
		}
	}
}

func rosterBlank(rec [][]byte) bool {
	for _, f := range rec {
		if len(bytes.TrimSpace(f)) > 0 {
			return false
		}
	}
	return true
}

// end tells, in one note, of the rows short of cells that are not read.
func (p *rosterParser) end() error {
	if p.short == 0 {
		return nil
	}
	var cols []string
	for _, n := range p.names {
		if p.missing[n] {
			cols = append(cols, n)
		}
	}
	return p.emit(noticeItem(i18n.E("ingest.roster.short-row", Pos{Line: p.shortAt}.At(p.file), p.short, strings.Join(cols, ", "))))
}

// header maps the columns; unknown ones are told in one note.
func (p *rosterParser) header(rec [][]byte, line int) error {
	p.cols = make([]rosterField, len(rec))
	p.names = make([]string, len(rec))
	taken := map[rosterField]string{}
	fallback := map[int]rosterField{}
	for i, cell := range rec {
		name := strings.TrimSpace(strings.TrimPrefix(string(cell), "\ufeff"))
		p.names[i] = name
		if f, ok := rosterHeaders[rosterNorm(name)]; ok && taken[f] == "" {
			taken[f] = name
		} else if f, ok := rosterFallback[rosterNorm(name)]; ok {
			fallback[i] = f
		}
	}
	clear(taken)
	var unknown, dup []string
	for i, cell := range rec {
		name := strings.TrimSpace(strings.TrimPrefix(string(cell), "\ufeff"))
		if name == "" {
			continue
		}
		f := rosterHeaders[rosterNorm(name)]
		// A fallback is read where no column gives its field; 备注 is not made into ids,
		// so it gives names only beside an id column.
		if fb, ok := fallback[i]; ok && f == rosterUnknown && taken[fb] == "" && !rosterHasPrimary(rec, fb) &&
			(fb != rosterName || rosterHasPrimary(rec, rosterID)) {
			f = fb
		}
		switch {
		case f == rosterUnknown:
			unknown = append(unknown, name)
		case taken[f] != "":
			dup = append(dup, fmt.Sprintf("%s (%s is read from %s)", name, rosterFieldNames[f], taken[f]))
		default:
			taken[f] = name
			p.cols[i] = f
		}
	}
	if taken[rosterID] == "" && taken[rosterName] == "" {
		return &Error{File: p.file, Pos: Pos{Line: line}, Msg: "the header row names no column of member ids or names (成员ID/账号/微信号/QQ号/id, 姓名/name)"}
	}
	var notes []*i18n.Error
	if len(unknown) > 0 {
		notes = append(notes, i18n.E("ingest.roster.unread", strings.Join(unknown, ", ")))
	}
	if len(dup) > 0 {
		notes = append(notes, i18n.E("ingest.roster.dup", strings.Join(dup, "; ")))
	}
	if taken[rosterID] == "" {
		p.byName = true
		notes = append(notes, i18n.E("ingest.roster.by-name", taken[rosterName]))
	}
	for _, n := range notes {
		if err := p.emit(noticeItem(i18n.E("ingest.note.at", Pos{Line: line}.At(p.file), n))); err != nil {
			return err
		}
	}
	return nil
}

// rosterHasPrimary reports whether a header row has a column that rosterHeaders maps to f.
func rosterHasPrimary(rec [][]byte, f rosterField) bool {
	for _, cell := range rec {
		if rosterHeaders[rosterNorm(strings.TrimPrefix(string(cell), "\ufeff"))] == f {
			return true
		}
	}
	return false
}

// row reads one member; why says why it cannot be read. A row
// short of trailing cells is read when the columns it lacks are not read (a spreadsheet
// leaves off empty cells at the end of a row): the end of the file tells of them.
func (p *rosterParser) row(rec [][]byte, pos Pos) (m model.Member, why *i18n.Error) {
	if len(rec) < len(p.cols) {
		for _, f := range p.cols[len(rec):] {
			if f != rosterUnknown {
				return m, i18n.E("ingest.roster.short", len(rec), len(p.cols))
			}
		}
		if p.short++; p.short == 1 {
			p.shortAt = pos.Line
			p.missing = map[string]bool{}
		}
		for _, n := range p.names[len(rec):] {
			p.missing[n] = true
		}
		full := make([][]byte, len(p.cols))
		copy(full, rec)
		rec = full
	}
	for i := len(p.cols); i < len(rec); i++ {
		if len(bytes.TrimSpace(rec[i])) > 0 {
			return m, i18n.E("ingest.roster.long", len(rec), len(p.cols))
		}
	}
	for i, f := range p.cols {
		if f == rosterUnknown {
			continue
		}
		b := bytes.TrimFunc(rec[i], rosterTrim)
		switch f {
		case rosterID:
			m.ID = string(b)
			if rosterRounded(m.ID) {
				return m, i18n.E("ingest.roster.rounded", m.ID)
			}
		case rosterName:
			m.Name = string(b)
		case rosterNickname:
			m.Nickname = string(b)
		case rosterBranch:
			m.Branch = p.intern.get(b)
		case rosterGroup:
			m.Group = p.intern.get(b)
		case rosterRole:
			role, ok := rosterRoles[string(b)]
			if !ok {
				role, ok = rosterRoles[rosterNorm(string(b))]
			}
			if !ok {
				return m, i18n.E("ingest.roster.role", b)
			}
			m.Role = role
		case rosterParty:
			party, ok := rosterPartyWord(b)
			if !ok {
				return m, i18n.E("ingest.roster.party", b)
			}
			m.PartyMember = party
		case rosterJoined, rosterActive:
			if len(b) == 0 {
				continue
			}
			t, err := csvParseTimeBytes(b)
			if err != nil {
				return m, i18n.E("ingest.roster.date", rosterFieldNames[f], b)
			}
			if f == rosterJoined {
				m.Joined = t
			} else {
				m.LastActive = t
			}
		}
	}
	if p.byName {
		m.ID = NameKey(m.Name) // 徐  清 and 徐清 are one member
	}
	if m.ID == "" {
		if p.byName {
			return m, i18n.E("ingest.roster.no-name")
		}
		return m, i18n.E("ingest.roster.no-id")
	}
	if m.Name == "" {
		m.Name = m.Nickname
	}
	if m.Name == "" {
		m.Name = m.ID
	}
	return m, nil
}

func rosterTrim(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

// rosterRounded reports whether s is a number in the scientific notation that a spreadsheet
// shows a long id in (1.23457E+08): its digits are lost.
func rosterRounded(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i+2 > len(s) || s[i+1] != '+' {
		return false
	}
	return strings.Trim(s[:i], "0123456789.") == "" && strings.Trim(s[i+2:], "0123456789") == ""
}

var rosterRoles = map[string]model.MemberRole{
	"": "", "群主": model.MemberOwner, "owner": model.MemberOwner, "创建者": model.MemberOwner,
	"管理员": model.MemberAdmin, "群管理员": model.MemberAdmin, "admin": model.MemberAdmin, "administrator": model.MemberAdmin,
	"成员": model.MemberPlain, "群成员": model.MemberPlain, "普通成员": model.MemberPlain, "member": model.MemberPlain,
}

// rosterPartyWord reads a party-member cell: yes or no in the usual words, or the 政治面貌 of a
// personnel list (中共党员, 中共预备党员 are members; 群众, 共青团员 … are not).
func rosterPartyWord(b []byte) (bool, bool) {
	if yes, ok := rosterPartyWords[string(b)]; ok {
		return yes, true
	}
	yes, ok := rosterPartyWords[strings.ToLower(norm.NFKC.String(string(b)))]
	return yes, ok
}

var rosterPartyWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("是 yes y true 1 √ ✓ 党员 中共党员 预备党员 中共预备党员") {
		rosterPartyWords[w] = true
	}
	for _, w := range strings.Fields("否 no n false 0 × 非党员 群众 共青团员 团员 无党派人士 民主党派") {
		rosterPartyWords[w] = false
	}
	rosterPartyWords[""] = false
}
