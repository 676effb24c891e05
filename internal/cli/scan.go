package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/review"
)

// scanFinding is one line of `scan --json`.
type scanFinding struct {
	Line     int    `json:"line"`
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Clause   string `json:"clause"`
	Severity string `json:"severity"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text"`
	Explain  string `json:"explain"`
}

// qunshen scan: the content checks (word lists and personal data) over text, each line one
// post, with the findings' spans and clauses.
func newScanCmd(e *env) *cobra.Command {
	var terms string
	var asJSON bool
	c := e.command("scan", func(args []string) error {
		if len(args) > 1 {
			return usagef("cli.scan.want")
		}
		return e.runScan(args, terms, asJSON)
	})
	c.Flags().StringVar(&terms, "terms", "", e.t("cli.scan.flag.terms"))
	c.Flags().BoolVar(&asJSON, "json", false, e.t("cli.scan.flag.json"))
	return c
}

func (e *env) runScan(args []string, terms string, asJSON bool) error {
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	var extra []string
	if terms != "" {
		if extra, err = review.ReadTerms(terms); err != nil {
			return err
		}
	}
	in, name := e.stdin, "-"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, args[0]
	}
	if in == nil {
		in = os.Stdin
	}
	checker := review.NewChecker(pol, extra)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	r := bufio.NewReaderSize(in, 1<<20)
	for line := 1; ; line++ {
		text, err := r.ReadString('\n')
		if len(text) > 0 {
			if err := scanLine(w, enc, asJSON, checker, string(e.lang), line, trimEOL(text)); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return i18n.E("cli.scan.read", name, line, err)
		}
	}
}

func trimEOL(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

func scanLine(w io.Writer, enc *json.Encoder, asJSON bool, checker *review.Checker, lang string, line int, text string) error {
	fs := checker.CheckText(text, review.FieldBody, "", nil)
	review.SortFindings(fs)
	for _, f := range fs {
		sf := scanFinding{Line: line, Rule: f.Rule, Category: f.Category, Clause: f.Clause, Severity: f.Severity,
			Start: f.Start, End: f.End, Text: text[f.Start:f.End], Explain: checker.Policy.Explain(f, lang)}
		if asJSON {
			if err := enc.Encode(sf); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%d:%d-%d\t%s\t%s\t%s\t«%s»\t%s\n", sf.Line, sf.Start, sf.End, sf.Severity, inert.Line(sf.Rule), inert.Line(sf.Clause), inert.Line(sf.Text), inert.Line(sf.Explain))
	}
	return nil
}

// qunshen policy check FILE | default.
func newPolicyCmd(e *env) *cobra.Command {
	c := e.command("policy", func(args []string) error {
		switch {
		case len(args) == 1 && args[0] == "default":
			_, err := io.WriteString(e.stdout, review.DefaultPolicyText())
			return err
		case len(args) == 2 && args[0] == "check":
			p, err := review.LoadPolicy(args[1])
			if err != nil {
				return err
			}
			terms := 0
			for _, r := range p.Rules {
				terms += len(r.Terms) + len(r.Subjects) + len(r.Near)
			}
			e.say("cli.policy.ok", args[1], len(p.Rules), terms)
			return nil
		}
		return usagef("cli.policy.want")
	})
	c.ValidArgsFunction = verbs("check", "default")
	return c
}
