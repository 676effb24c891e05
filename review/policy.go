package review

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"qunshen/model"
)

//go:embed policy.toml
var defaultPolicy string

// Severities, from the strongest.
const (
	Block    = "block"    // reject, and record a violation
	Escalate = "escalate" // the branch secretary must sign it off
	Warn     = "warn"     // look closer
	Info     = "info"     // for the record
)

var severities = []string{Block, Escalate, Warn, Info}

// SeverityRank orders severities: 0 is block, 3 is info, 4 is unknown.
func SeverityRank(s string) int {
	if i := slices.Index(severities, s); i >= 0 {
		return i
	}
	return len(severities)
}

// Detectors are the checks that are not word lists.
const (
	DetectResidentID  = "resident-id"
	DetectMobile      = "mobile"
	DetectBankCard    = "bank-card"
	DetectMajorFlag   = "major-flag"
	DetectTitleLength = "title-length"
	DetectSignature   = "signature"
	DetectAttachments = "attachments"
	DetectFlood       = "flood"
	DetectRepeat      = "repeat"
	// DetectMuted: the author was muted when the post was submitted (an import sees it).
	DetectMuted = "muted"
)

var detectors = []string{DetectResidentID, DetectMobile, DetectBankCard, DetectMajorFlag, DetectTitleLength,
	DetectSignature, DetectAttachments, DetectFlood, DetectRepeat, DetectMuted}

// LadderTop is the Ladder of a rule whose violation goes straight to the last step of the
// discipline ladder and is reported upward (IW 第十一条's unlawful content; CW 五, GO 四(二)2).
const LadderTop = "top"

// Text is a string in Chinese and English.
type Text struct {
	ZH string `toml:"zh"`
	EN string `toml:"en"`
}

// In returns the text in a language ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Rule is one check of the policy.
type Rule struct {
	ID       string   `toml:"id"`
	Category string   `toml:"category"`
	Clause   string   `toml:"clause"`
	Severity string   `toml:"severity"`
	Name     Text     `toml:"name"`
	Explain  Text     `toml:"explain"`
	Terms    []string `toml:"terms"`
	Files    []string `toml:"files"`    // word lists beside the policy file
	Detector string   `toml:"detector"` // instead of terms
	Kinds    []string `toml:"kinds"`    // group kinds it applies to; empty: all
	// Ladder is "top" for a rule whose violation goes straight to the last step of the
	// discipline ladder, and is reported upward; any other climbs the ladder a step at a time.
	Ladder string `toml:"ladder"`

	line int // where the rule starts in its file
}

// AppliesTo reports whether the rule applies in a group of this kind.
func (r *Rule) AppliesTo(kind model.GroupKind) bool {
	return len(r.Kinds) == 0 || slices.Contains(r.Kinds, string(kind))
}

// Thresholds are the numbers of the format, flooding and membership checks.
type Thresholds struct {
	TitleMax          int     `toml:"title_max"`
	FloodPosts        int     `toml:"flood_posts"`
	FloodMinutes      int     `toml:"flood_minutes"`
	RepeatMinutes     int     `toml:"repeat_minutes"`
	RepeatSimilarity  float64 `toml:"repeat_similarity"`
	InactiveDays      int     `toml:"inactive_days"`
	SignatureMinChars int     `toml:"signature_min_chars"`
}

// Step is one step of a discipline ladder.
type Step struct {
	ID       string `toml:"id"`
	ZH       string `toml:"zh"`
	EN       string `toml:"en"`
	Clause   string `toml:"clause"`
	MuteDays int    `toml:"mute_days"`
}

// Name is the step's name in a language.
func (s Step) Name(lang string) string { return Text{ZH: s.ZH, EN: s.EN}.In(lang) }

// Ladder is the discipline ladders and how history counts.
type Ladder struct {
	WindowDays   int    `toml:"window_days"`
	HalfLifeDays int    `toml:"half_life_days"`
	General      []Step `toml:"general"`
	Party        []Step `toml:"party"`
}

// KindOverride changes the policy for one kind of group.
type KindOverride struct {
	Ladder   string            `toml:"ladder"`   // general or party
	Severity map[string]string `toml:"severity"` // rule id → severity
}

// Policy is the whole of the checks.
type Policy struct {
	Version    int                     `toml:"version"`
	Thresholds Thresholds              `toml:"thresholds"`
	Allow      []string                `toml:"allow"`
	Rules      []Rule                  `toml:"rule"`
	Ladder     Ladder                  `toml:"ladder"`
	Kinds      map[string]KindOverride `toml:"kinds"`

	Source string // the file it came from, or "(default policy)"
}

// PolicyError is one fault of a policy file, with its line.
type PolicyError struct {
	File string
	Line int
	Msg  string
}

func (e *PolicyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// PolicyErrors are all the faults found in a policy.
type PolicyErrors []*PolicyError

func (es PolicyErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// DefaultPolicy is the policy built into the program.
func DefaultPolicy() *Policy {
	p, err := ParsePolicy(defaultPolicy, "(default policy)", "")
	if err != nil {
		panic("the built-in policy is broken: " + err.Error()) // a test keeps this from happening
	}
	return p
}

// DefaultPolicyText is the TOML of the built-in policy, to start an organisation's own from.
func DefaultPolicyText() string { return defaultPolicy }

// LoadPolicy reads a policy file and the word lists it names (beside it).
func LoadPolicy(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePolicy(string(b), path, filepath.Dir(path))
}

var headerRe = regexp.MustCompile(`^\s*\[\[\s*rule\s*\]\]`)

// ParsePolicy parses and checks a policy; dir is where its word lists are (empty: none may
// be named). Every fault is reported with its line.
func ParsePolicy(src, file, dir string) (*Policy, error) {
	var p Policy
	md, err := toml.Decode(src, &p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, PolicyErrors{{File: file, Line: pe.Position.Line, Msg: pe.Message}}
		}
		return nil, PolicyErrors{{File: file, Msg: err.Error()}}
	}
	p.Source = file
	lines := strings.Split(src, "\n")
	// Where each [[rule]] starts, to name the line of a fault in it.
	var starts []int
	for i, l := range lines {
		if headerRe.MatchString(l) {
			starts = append(starts, i+1)
		}
	}
	for i := range p.Rules {
		if i < len(starts) {
			p.Rules[i].line = starts[i]
		}
	}
	var errs PolicyErrors
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &PolicyError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	// keyLine finds the line of key within the lines of a rule (or the whole file).
	keyLine := func(from int, key string) int {
		re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
		for i := max(from-1, 0); i < len(lines); i++ {
			if i > from-1 && from > 0 && headerRe.MatchString(lines[i]) {
				break
			}
			if re.MatchString(lines[i]) {
				return i + 1
			}
		}
		return from
	}
	for _, k := range md.Undecoded() {
		fail(keyLine(0, k[len(k)-1]), "unknown setting %q", k.String())
	}
	if p.Version != 1 {
		fail(keyLine(0, "version"), "version %d: this qunshen reads policy version 1", p.Version)
	}
	t := &p.Thresholds
	for _, c := range []struct {
		key string
		v   int
	}{{"title_max", t.TitleMax}, {"flood_posts", t.FloodPosts}, {"flood_minutes", t.FloodMinutes},
		{"repeat_minutes", t.RepeatMinutes}, {"inactive_days", t.InactiveDays}} {
		if c.v <= 0 {
			fail(keyLine(0, c.key), "%s must be a positive number", c.key)
		}
	}
	if t.RepeatSimilarity <= 0 || t.RepeatSimilarity > 1 {
		fail(keyLine(0, "repeat_similarity"), "repeat_similarity must be above 0 and at most 1")
	}
	seen := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		at := r.line
		if r.ID == "" {
			fail(at, "a rule without an id")
			continue
		}
		if seen[r.ID] {
			fail(keyLine(at, "id"), "rule %q is defined twice", r.ID)
		}
		seen[r.ID] = true
		if r.Category == "" {
			fail(at, "rule %q has no category", r.ID)
		}
		if r.Clause == "" {
			fail(at, "rule %q cites no clause", r.ID)
		}
		if SeverityRank(r.Severity) == len(severities) {
			fail(keyLine(at, "severity"), "rule %q: severity %q is not one of block, escalate, warn, info", r.ID, r.Severity)
		}
		if r.Detector != "" && !slices.Contains(detectors, r.Detector) {
			fail(keyLine(at, "detector"), "rule %q: unknown detector %q (known: %s)", r.ID, r.Detector, strings.Join(detectors, ", "))
		}
		if r.Detector != "" && (len(r.Terms) > 0 || len(r.Files) > 0) {
			fail(keyLine(at, "detector"), "rule %q has both a detector and terms", r.ID)
		}
		for _, f := range r.Files {
			if dir == "" || filepath.IsAbs(f) || strings.Contains(f, "..") {
				fail(keyLine(at, "files"), "rule %q: word list %q must be a file beside the policy", r.ID, f)
				continue
			}
			terms, err := ReadTerms(filepath.Join(dir, f))
			if err != nil {
				fail(keyLine(at, "files"), "rule %q: %v", r.ID, err)
				continue
			}
			r.Terms = append(r.Terms, terms...)
		}
		if r.Detector == "" && len(r.Terms) == 0 {
			fail(at, "rule %q has neither terms nor a detector", r.ID)
		}
		for _, term := range r.Terms {
			if Normalize(term) == "" {
				fail(keyLine(at, "terms"), "rule %q: term %q has no letter or digit, it would match nothing", r.ID, term)
			}
		}
		if r.Name.ZH == "" || r.Explain.ZH == "" {
			fail(at, "rule %q needs a name and an explanation (zh, and en)", r.ID)
		}
		for _, k := range r.Kinds {
			if !slices.Contains(model.GroupKinds, model.GroupKind(k)) {
				fail(keyLine(at, "kinds"), "rule %q: unknown group kind %q", r.ID, k)
			}
		}
		if r.Ladder != "" && r.Ladder != LadderTop {
			fail(keyLine(at, "ladder"), "rule %q: ladder %q: want \"top\" or nothing", r.ID, r.Ladder)
		}
	}
	if len(p.Ladder.General) == 0 || len(p.Ladder.Party) == 0 {
		fail(keyLine(0, "general"), "the ladder needs its general and party steps")
	}
	if p.Ladder.WindowDays <= 0 || p.Ladder.HalfLifeDays <= 0 {
		fail(keyLine(0, "window_days"), "window_days and half_life_days must be positive")
	}
	for kind, o := range p.Kinds {
		at := keyLine(0, "[kinds."+kind+"]")
		if !slices.Contains(model.GroupKinds, model.GroupKind(kind)) {
			fail(at, "unknown group kind %q", kind)
		}
		if o.Ladder != "" && o.Ladder != "general" && o.Ladder != "party" {
			fail(at, "kinds.%s: ladder must be general or party", kind)
		}
		for id, sev := range o.Severity {
			if !seen[id] {
				fail(at, "kinds.%s: no rule %q", kind, id)
			}
			if SeverityRank(sev) == len(severities) {
				fail(at, "kinds.%s: severity %q of %s is not one of block, escalate, warn, info", kind, sev, id)
			}
		}
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *PolicyError) int { return a.Line - b.Line })
		return nil, errs
	}
	return &p, nil
}

// ReadTerms reads a word list: one term per line, UTF-8, # starts a comment, blank lines
// passed over.
func ReadTerms(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTerms(string(b), path)
}

// ParseTerms parses the text of a word list.
func ParseTerms(src, file string) ([]string, error) {
	var out []string
	for i, l := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		if j := strings.IndexByte(l, '#'); j >= 0 {
			l = l[:j]
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if !utf8.ValidString(l) {
			return nil, &PolicyError{File: file, Line: i + 1, Msg: "invalid UTF-8"}
		}
		out = append(out, l)
	}
	return out, nil
}

// SeverityFor is the rule's severity in a group of this kind.
func (p *Policy) SeverityFor(r *Rule, kind model.GroupKind) string {
	if o, ok := p.Kinds[string(kind)]; ok {
		if s, ok := o.Severity[r.ID]; ok {
			return s
		}
	}
	return r.Severity
}

// LadderFor is the discipline ladder for a member of a group of this kind, and whether it is
// the party's (PM 五(二)3: for party members in a group whose kind uses it).
func (p *Policy) LadderFor(kind model.GroupKind, partyMember bool) ([]Step, bool) {
	if o, ok := p.Kinds[string(kind)]; ok && o.Ladder == "party" && partyMember {
		return p.Ladder.Party, true
	}
	return p.Ladder.General, false
}

// Brief is what a member added to a group of this kind is briefed on (IW 第八条(四)): every
// rule of the policy that applies there, and the negative list, the rules of block severity.
func (p *Policy) Brief(kind model.GroupKind) *model.Brief {
	b := &model.Brief{Rules: []model.BriefRule{}, Negative: []model.BriefRule{}}
	for i := range p.Rules {
		r := &p.Rules[i]
		if !r.AppliesTo(kind) {
			continue
		}
		br := model.BriefRule{ID: r.ID, Name: r.Name.ZH, Clause: r.Clause}
		b.Rules = append(b.Rules, br)
		if p.SeverityFor(r, kind) == Block {
			b.Negative = append(b.Negative, br)
		}
	}
	return b
}

// Rule finds a rule by id.
func (p *Policy) Rule(id string) *Rule {
	for i := range p.Rules {
		if p.Rules[i].ID == id {
			return &p.Rules[i]
		}
	}
	return nil
}
