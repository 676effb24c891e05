package document

import (
	"fmt"
	"html"
	"qunshen/internal/inert"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The text of an archive: post bodies and names are hostile input. Before they are written
// into Markdown or HTML they are made inert (package inert: Text keeps the lines of a body,
// Line puts a title or a name on one line), then escaped for the format.

// archiveClean is inert.Text with keepLines, else inert.Line.
func archiveClean(s string, keepLines bool) string {
	if keepLines {
		return inert.Text(s)
	}
	return inert.Line(s)
}

// htmlText is outside text for HTML (and XML) character data or an attribute value.
func htmlText(s string, keepLines bool) string { return html.EscapeString(archiveClean(s, keepLines)) }

// mdText is outside text for Markdown: inert, with every character that Markdown or the
// HTML inside it would act on escaped by a backslash — emphasis, code, links, raw HTML,
// entities, tables, strikethrough, headings, math — and, at the start of a line, the marks
// of lists, quotes, setext headings and thematic breaks. Lines are kept apart by a hard
// break when keepLines is set, each prefixed with prefix (a blockquote's "> ").
func mdText(s string, keepLines bool, prefix string) string {
	s = archiveClean(s, keepLines)
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for li, line := range lines {
		if li > 0 {
			b.WriteString("\\\n")
			b.WriteString(prefix)
		}
		start := true // at the start of the line, after indentation
		for i := 0; i < len(line); {
			r, size := utf8.DecodeRuneInString(line[i:])
			switch {
			case r < utf8.RuneSelf && mdActive[r]:
				b.WriteByte('\\')
			case start && (r == '-' || r == '+' || r == '='):
				b.WriteByte('\\')
			case start && r >= '0' && r <= '9':
				// 1. or 1) would start an ordered list: escape the mark after the digits.
				j := i
				for j < len(line) && line[j] >= '0' && line[j] <= '9' {
					j++
				}
				b.WriteString(line[i:j])
				if j < len(line) && (line[j] == '.' || line[j] == ')') {
					b.WriteByte('\\')
				}
				i, start = j, false
				continue
			}
			b.WriteRune(r)
			i += size
			if r != ' ' && r != '\t' {
				start = false
			}
		}
	}
	return b.String()
}

// mdActive are the characters that Markdown (CommonMark, GitHub's tables, strikethrough and
// math) or the HTML inside it acts on anywhere in a line.
var mdActive = func() (t [utf8.RuneSelf]bool) {
	for _, c := range "\\`*_[]<>&|~#$!" {
		t[c] = true
	}
	return t
}()

// Limits of an archive's file names, in bytes of UTF-8: 255 bytes is the limit of most file
// systems for one name; a name well under it leaves room for copies (" (1)") and for tools
// that add their own suffixes.
const (
	maxNamePart = 60
	maxFileName = 160
)

// reservedNames are the device names that Windows refuses as a file name, with any extension.
var reservedNames = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// namePart makes one part of a file name safe on every system: NFC (macOS stores names
// decomposed, and two spellings of one name must not make two files), no path separators, no
// characters Windows forbids (: * ? " < > |), no control, bidi or zero-width characters, no
// spaces (underscores instead), no leading or trailing dots, at most maxNamePart bytes cut on
// a character boundary. An empty part becomes "_".
func namePart(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "_"))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || inert.IsBidi(r):
			continue
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF || r == 0x2060:
			continue
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteByte('-')
		case r == ' ' || r == '\u3000' || r == '\t' || r == 0x2028 || r == 0x2029 || r == 0xA0:
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), ". -")
	out = cutBytes(out, maxNamePart)
	out = strings.Trim(out, ". -")
	if out == "" {
		return "_"
	}
	return out
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

// fileNamer hands out file names that are unique in one folder on every system: compared
// without case (Windows and macOS fold it), and never a device name of Windows.
type fileNamer struct{ used map[string]bool }

// name joins the safe parts with "_" and adds ext; a name taken already gets "_2", "_3" ….
func (n *fileNamer) name(ext string, parts ...string) string {
	if n.used == nil {
		n.used = map[string]bool{}
	}
	safe := make([]string, len(parts))
	for i, p := range parts {
		safe[i] = namePart(p)
	}
	base := cutBytes(strings.Join(safe, "_"), maxFileName-len(ext)-4)
	base = strings.TrimRight(base, ". -")
	if stem, _, _ := strings.Cut(base, "."); reservedNames[strings.ToUpper(stem)] {
		base = "_" + base
	}
	name := base + ext
	for i := 2; n.used[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s_%d%s", base, i, ext)
	}
	n.used[strings.ToLower(name)] = true
	return name
}
