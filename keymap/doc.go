package keymap

//go:generate go run generate.go

import (
	"strings"

	"qunshen/internal/i18n"
)

// DocPath is where the key reference is written, from the root of the module.
const DocPath = "docs/keys.md"

// Regenerate is the command that rewrites DocPath, from the root of the module.
const Regenerate = "go generate ./keymap"

// Doc is docs/keys.md: for each language, a table per group of Groups, every key of a
// binding with what it does.
func Doc() []byte {
	var b strings.Builder
	langs := []i18n.Lang{i18n.ZH, i18n.EN}
	titles := make([]string, len(langs))
	for i, l := range langs {
		titles[i] = i18n.T(l, "keys.doc.title")
	}
	b.WriteString("# " + strings.Join(titles, " · ") + "\n\n")
	b.WriteString("<!-- Generated from keymap/ by `" + Regenerate + "`: edit the keys there, not here. -->\n")
	for _, l := range langs {
		k := New(l)
		b.WriteString("\n## " + i18n.T(l, "keys.doc.lang") + "\n\n")
		b.WriteString(i18n.Tf(l, "keys.doc.intro", "`"+Name(k.Help)+"`") + "\n")
		for _, g := range k.Groups() {
			b.WriteString("\n### " + g.Title + "\n\n")
			b.WriteString("| " + i18n.T(l, "keys.doc.key") + " | " + i18n.T(l, "keys.doc.does") + " |\n")
			b.WriteString("| --- | --- |\n")
			for _, kb := range g.Bindings {
				names := make([]string, len(kb.Keys()))
				for i, s := range kb.Keys() {
					names[i] = "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
				}
				b.WriteString("| " + strings.Join(names, " ") + " | " + strings.ReplaceAll(kb.Help().Desc, "|", `\|`) + " |\n")
			}
		}
	}
	return []byte(b.String())
}
