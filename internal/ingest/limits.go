package ingest

// The limits of outside input, one rule for every importer: the queue format, every chat
// format, the rosters. They keep a hostile or broken file from making a record too big to
// store, to show or to carry in every bundle, and keep the memory of a reading bounded.
//
// Over a limit, a queue file is refused at that line; a chat export or a roster is refused
// too, its record named by file and line as a bad one (with --skip-bad, the other records are
// imported and the bad ones written beside the file). Nothing is cut: a text cut short would
// be a different text, signed as if it were the one given. docs/formats.md states the rule.
const (
	// MaxLine is the longest line in bytes, or record over several lines (a quoted CSV
	// field with line breaks, a QQ message of several lines).
	MaxLine = 1 << 20
	// MaxText is the longest text field in bytes: a post's title or body, a reason, a
	// member's name, nickname or branch, a group's name.
	MaxText = 64 << 10
	// MaxID is the longest id in bytes: of a group, a member, a post, a record.
	MaxID = 256
	// MaxFields is the most fields of one record: the columns of a CSV row, the items of a
	// list in a queue line (attachments, administrators).
	MaxFields = 256
	// MaxJSONValue is the largest message of a JSON document (Telegram, QQ NT) cut out whole:
	// the record of those formats, whose text the text rule bounds; beyond it the document is
	// no chat export.
	MaxJSONValue = 64 << 20
)

// Aliases of the rule under the names the readers used before it was one.
const (
	maxIDLen     = MaxID
	maxTextLen   = MaxText
	csvMaxRecord = MaxLine
)

// longText reports whether any of texts is longer than MaxText.
func longText(texts ...string) bool {
	for _, s := range texts {
		if len(s) > MaxText {
			return true
		}
	}
	return false
}
