package i18n

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The catalogue is whole in both languages: no Chinese in an English text but the clauses it
// cites and the words of the data it describes, no English in a Chinese text but ids, keys,
// commands, flags and the names of formats and products.

var (
	han = regexp.MustCompile(`\p{Han}+`)
	// clauses cite the regulations in their own words: PM 三(三)2, IW 第十条(四), GO 五(二).
	clause = regexp.MustCompile(`\b(?:PM|IW|ST|CW|GO) [\p{Han}()（）0-9、]+`)
	// dataWords: the English texts of these keys quote the data they read (a chat tool's own
	// words, a roster's headings, a calendar's marks) or name the product.
	dataWords = regexp.MustCompile(`^(?:cli\.format\.|ingest\.|review\.calendar\.|cli\.root\.)`)

	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*\*?`)
	// allowedInChinese are what stays as it is in Chinese text: command lines and flags,
	// environment variables, paths and file names, the names of keys, of formats and
	// products, of fields in the files read, and the lines of shell code (indented by a tab).
	allowedInChinese = regexp.MustCompile(`(?m:^\t.*$)|%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]|` +
		`\b[\w-]+\.(?:json|md|xlsx|csv|txt|sig|fish|zshrc)\b|qunshen(?: [a-z][a-z-]*)*|(?:^|[^\w-])--?[a-z][a-z-]*|\d{4}-\d\d-\d\dT[\d:+]+|\$?\b[A-Z][A-Z0-9_]*\b|` +
		`[~/.\w-]*/[\w./{}\[\]$-]+|“[^”]*”|"[^"]*"|` +
		`\b(?:[a-z]+\+[a-z]+|enter|esc|tab|space|pgup|pgdown|up|down|home|end|j/k)\b`)
	// commandWords are the words a command line takes, kept as they are typed, and the
	// names of the fields of the files read: the command line's texts and the faults of the
	// files may hold them.
	commandWords = map[string]bool{}
	commandTexts = regexp.MustCompile(`^(?:cli|ingest|review|archive|explain|why|keyring)\.`)
	// productWords are the only English words of the screen's Chinese texts (besides keys
	// and what allowedInChinese takes): the names of formats.
	productWords = map[string]bool{"Markdown": true}
)

func init() {
	for _, w := range strings.Fields(`approve reject changes escalate signoff return undo uphold overturn refuse warn mute
		remove restore verify dismiss sanction feedback close list export import conflicts check default groups members
		posts violations applications pending history admin secretary owner supervisor member all group branch week month
		quarter year last-week last-year this-month last-quarter theme time holiday workday custom md csv xlsx html json
		yes no true false zh en decisions post violation kind name role step text reason until peer terms
		Markdown CSV JSON Lines HTML UTF GBK RFC UTC MiB MB NT QQ Telegram Desktop WeChatMsg MemoTrace PowerShell
		bash zsh fish shell sha256sum ed25519 qq-chat-exporter bash-completion Europe Berlin Asia Shanghai txt
		BytesExtra TalkerId CreateTime StrTime Type msgtime action revoke pre_msgid chatInfo peerUid peerUin uin uid
		timestamp date date_unixtime from_id from forwarded_from unsupported wxid OA init dissolve en_* this-month
		last-quarter last-week last-year revoke.pre_msgid retract record ads resident-id
		apply edit show open measure escalate followup report docx Word emergency opinion security escalated closed
		talk notice self-examination discipline judicial party work street city project active rectifying dissolved
		applied refused wechat qq wecom dingtalk archive request requests grant
		authority designate accept depthead made KiB join exit appeal id type application`) {
		commandWords[w] = true
	}
}

func TestNoChineseInEnglish(t *testing.T) {
	for _, k := range slices.Sorted(maps.Keys(catalog)) {
		en := catalog[k][1]
		rest := clause.ReplaceAllString(en, "")
		rest = strings.ReplaceAll(rest, "群审", "") // the product's name
		if dataWords.MatchString(k) {
			continue
		}
		if w := han.FindString(rest); w != "" {
			t.Errorf("%s: Chinese %q in English: %q", k, w, en)
		}
	}
}

func TestNoEnglishInChinese(t *testing.T) {
	for _, k := range slices.Sorted(maps.Keys(catalog)) {
		zh := catalog[k][0]
		rest := allowedInChinese.ReplaceAllString(zh, " ")
		for _, w := range latinWord.FindAllString(rest, -1) {
			if !productWords[w] && !(commandTexts.MatchString(k) && commandWords[w]) {
				t.Errorf("%s: English %q in Chinese: %q", k, w, zh)
			}
		}
	}
}
