package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"qunshen/review"
)

var (
	scanTerms string
	scanJSON  bool
)

func scanFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&scanTerms, "terms", "", "a word `list` to add for this run (one term per line; category custom, severity warn)")
	fs.BoolVar(&scanJSON, "json", false, "print JSON Lines, one object per finding")
}

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

// runScan runs the content checks (word lists and personal data) over text, each line one
// post, and prints the findings with their spans and clauses.
func runScan(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 1 {
		return usagef("name one file, or - for standard input")
	}
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	var extra []string
	if scanTerms != "" {
		if extra, err = review.ReadTerms(scanTerms); err != nil {
			return err
		}
	}
	in, name := c.stdin, "-"
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
	lang := c.language()
	w := bufio.NewWriter(c.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	r := bufio.NewReaderSize(in, 1<<20)
	for line := 1; ; line++ {
		text, err := r.ReadString('\n')
		if len(text) > 0 {
			if err := scanLine(w, enc, checker, lang, line, trimEOL(text)); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", name, line, err)
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

func scanLine(w io.Writer, enc *json.Encoder, checker *review.Checker, lang string, line int, text string) error {
	fs := checker.CheckText(text, review.FieldBody, "", nil)
	review.SortFindings(fs)
	for _, f := range fs {
		sf := scanFinding{Line: line, Rule: f.Rule, Category: f.Category, Clause: f.Clause, Severity: f.Severity,
			Start: f.Start, End: f.End, Text: text[f.Start:f.End], Explain: checker.Policy.Explain(f, lang)}
		if scanJSON {
			if err := enc.Encode(sf); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%d:%d-%d\t%s\t%s\t%s\t«%s»\t%s\n", sf.Line, sf.Start, sf.End, sf.Severity, sf.Rule, sf.Clause, inert(sf.Text), sf.Explain)
	}
	return nil
}

// runPolicy checks a policy file, or prints the built-in one.
func runPolicy(c *ctx, _ *flag.FlagSet, args []string) error {
	switch {
	case len(args) == 1 && args[0] == "default":
		_, err := io.WriteString(c.stdout, review.DefaultPolicyText())
		return err
	case len(args) == 2 && args[0] == "check":
		p, err := review.LoadPolicy(args[1])
		if err != nil {
			return err
		}
		terms := 0
		for _, r := range p.Rules {
			terms += len(r.Terms)
		}
		fmt.Fprintf(c.stdout, "%s: ok, %d rules, %d terms\n", args[1], len(p.Rules), terms)
		return nil
	}
	return usagef("want: policy check FILE, or policy default")
}
