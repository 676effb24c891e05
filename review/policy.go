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

	"qunshen/internal/i18n"
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
	// DetectFileName: an attachment's name does not say its topic, date and author (ST 六(一)2).
	DetectFileName = "file-name"
)

// DefaultWithin is how close a subject and a near term must be when a rule does not say.
const DefaultWithin = 8

// maxWithin bounds Within: a pair further apart is no longer one phrase.
const maxWithin = 50

var detectors = []string{DetectResidentID, DetectMobile, DetectBankCard, DetectMajorFlag, DetectTitleLength,
	DetectSignature, DetectAttachments, DetectFlood, DetectRepeat, DetectMuted, DetectFileName}

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
	// Subjects are terms that trip the rule only with a term of Near close to them, before or
	// after: at most Within letters or digits apart (separators are not counted), so that a
	// word harmless alone (英雄, 河南人) is found where it is abused (英雄都是编的, 河南人都是骗子).
	Subjects []string `toml:"subjects"`
	Near     []string `toml:"near"`
	Within   int      `toml:"within"`
	// Allow are phrases of this rule's allow-list: a term, subject or pair of the rule that lies
	// inside one is no finding (the policy's allow applies to every rule).
	Allow []string `toml:"allow"`
	// Types are message types that trip the rule whatever their text: the kinds a chat export
	// marks a message with (redpacket, game, dice …), noted among the post's attachments.
	Types []string `toml:"types"`
	Kinds []string `toml:"kinds"` // group kinds it applies to; empty: all
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

// RegisterRules are the register's checks that read a group's name and its members' nicknames.
type RegisterRules struct {
	// FunctionTerms and UnitTerms: a name that holds none of them, nor the group's branch, does
	// not say its function or its owner unit (IW 第八条(三)).
	FunctionTerms []string `toml:"function_terms"`
	UnitTerms     []string `toml:"unit_terms"`
	// NicknameBadShare: a group is not under real-name management (IW 第四条, 第八条(四)) when
	// more than this share of its members carry a nickname against its rule.
	NicknameBadShare float64 `toml:"nickname_bad_share"`
}

// Policy is the whole of the checks.
type Policy struct {
	Version    int                     `toml:"version"`
	Thresholds Thresholds              `toml:"thresholds"`
	Register   RegisterRules           `toml:"register"`
	Assessment AssessWeights           `toml:"assessment"`
	Allow      []string                `toml:"allow"`
	Rules      []Rule                  `toml:"rule"`
	Ladder     Ladder                  `toml:"ladder"`
	Kinds      map[string]KindOverride `toml:"kinds"`

	Source string // the file it came from, or "(default policy)"
}

// PolicyError is one fault of a policy file, with its line; Why says what, in the catalogue.
type PolicyError struct {
	File string
	Line int
	Why  *i18n.Error
}

// Error is the fault in English: "file:line: why".
func (e *PolicyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Why)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Why)
}

// Unwrap gives what is wrong, for the user's language.
func (e *PolicyError) Unwrap() error { return e.Why }

// PolicyErrors are all the faults found in a policy.
type PolicyErrors []*PolicyError

func (es PolicyErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Lines are the faults, one a line, each told in the user's language.
func (es PolicyErrors) Lines() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
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
			return nil, PolicyErrors{{File: file, Line: pe.Position.Line, Why: i18n.E("review.policy.syntax", pe.Message)}}
		}
		return nil, PolicyErrors{{File: file, Why: i18n.E("review.policy.syntax", err.Error())}}
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
	fail := func(line int, key string, args ...any) {
		errs = append(errs, &PolicyError{File: file, Line: line, Why: i18n.E(key, args...)})
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
		fail(keyLine(0, k[len(k)-1]), "review.policy.unknown-setting", k.String())
	}
	if p.Version != 1 {
		fail(keyLine(0, "version"), "review.policy.version", p.Version)
	}
	t := &p.Thresholds
	for _, c := range []struct {
		key string
		v   int
	}{{"title_max", t.TitleMax}, {"flood_posts", t.FloodPosts}, {"flood_minutes", t.FloodMinutes},
		{"repeat_minutes", t.RepeatMinutes}, {"inactive_days", t.InactiveDays}} {
		if c.v <= 0 {
			fail(keyLine(0, c.key), "review.policy.positive", c.key)
		}
	}
	if t.RepeatSimilarity <= 0 || t.RepeatSimilarity > 1 {
		fail(keyLine(0, "repeat_similarity"), "review.policy.similarity")
	}
	if !md.IsDefined("register") && src != defaultPolicy {
		// A policy written before the register had checks takes the built-in ones.
		p.Register = DefaultPolicy().Register
	}
	if r := p.Register; r.NicknameBadShare <= 0 || r.NicknameBadShare > 1 {
		fail(keyLine(0, "nickname_bad_share"), "nickname_bad_share must be above 0 and at most 1")
	}
	if !md.IsDefined("assessment") && src != defaultPolicy {
		// A policy written before the assessment had its weighting takes the built-in one.
		p.Assessment = DefaultPolicy().Assessment
	}
	if a := p.Assessment; a.Base <= 0 {
		fail(keyLine(0, "base"), "assessment: base must be a positive number")
	}
	for _, c := range p.Assessment.weights() {
		if c.v < 0 {
			fail(keyLine(0, c.key), "assessment: %s must not be negative", c.key)
		}
	}
	seen := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		at := r.line
		if r.ID == "" {
			fail(at, "review.policy.no-id")
			continue
		}
		if seen[r.ID] {
			fail(keyLine(at, "id"), "review.policy.twice", r.ID)
		}
		seen[r.ID] = true
		if r.Category == "" {
			fail(at, "review.policy.no-category", r.ID)
		}
		if r.Clause == "" {
			fail(at, "review.policy.no-clause", r.ID)
		}
		if SeverityRank(r.Severity) == len(severities) {
			fail(keyLine(at, "severity"), "review.policy.severity", r.ID, r.Severity)
		}
		if r.Detector != "" && !slices.Contains(detectors, r.Detector) {
			fail(keyLine(at, "detector"), "review.policy.detector", r.ID, r.Detector, strings.Join(detectors, ", "))
		}
		if r.Detector != "" && (len(r.Terms) > 0 || len(r.Files) > 0 || len(r.Subjects) > 0 || len(r.Near) > 0 || len(r.Types) > 0) {
			fail(keyLine(at, "detector"), "review.policy.detector-terms", r.ID)
		}
		for _, f := range r.Files {
			if dir == "" || filepath.IsAbs(f) || strings.Contains(f, "..") {
				fail(keyLine(at, "files"), "review.policy.files-beside", r.ID, f)
				continue
			}
			terms, err := ReadTerms(filepath.Join(dir, f))
			if err != nil {
				fail(keyLine(at, "files"), "review.policy.files", r.ID, err)
				continue
			}
			r.Terms = append(r.Terms, terms...)
		}
		if r.Detector == "" && len(r.Terms) == 0 && len(r.Subjects) == 0 && len(r.Types) == 0 {
			fail(at, "review.policy.no-terms", r.ID)
		}
		if (len(r.Subjects) > 0) != (len(r.Near) > 0) {
			key := "subjects"
			if len(r.Near) > 0 {
				key = "near"
			}
			fail(keyLine(at, key), "review.policy.pair", r.ID)
		}
		switch {
		case r.Within < 0 || r.Within > maxWithin:
			fail(keyLine(at, "within"), "review.policy.within", r.ID, maxWithin)
		case r.Within > 0 && len(r.Subjects) == 0:
			fail(keyLine(at, "within"), "review.policy.within-alone", r.ID)
		case r.Within == 0 && len(r.Subjects) > 0:
			r.Within = DefaultWithin
		}
		for _, list := range []struct {
			key   string
			terms []string
		}{{"terms", r.Terms}, {"subjects", r.Subjects}, {"near", r.Near}, {"allow", r.Allow}} {
			for _, term := range list.terms {
				if Normalize(term) == "" {
					fail(keyLine(at, list.key), "review.policy.empty-term", r.ID, term)
				}
			}
		}
		for _, t := range r.Types {
			if t == "" || strings.TrimSpace(t) != t {
				fail(keyLine(at, "types"), "review.policy.type", r.ID, t)
			}
		}
		if r.Name.ZH == "" || r.Explain.ZH == "" {
			fail(at, "review.policy.texts", r.ID)
		}
		for _, k := range r.Kinds {
			if !slices.Contains(model.GroupKinds, model.GroupKind(k)) {
				fail(keyLine(at, "kinds"), "review.policy.rule-kind", r.ID, k)
			}
		}
		if r.Ladder != "" && r.Ladder != LadderTop {
			fail(keyLine(at, "ladder"), "review.policy.rule-ladder", r.ID, r.Ladder)
		}
	}
	if len(p.Ladder.General) == 0 || len(p.Ladder.Party) == 0 {
		fail(keyLine(0, "general"), "review.policy.ladder-steps")
	}
	if p.Ladder.WindowDays <= 0 || p.Ladder.HalfLifeDays <= 0 {
		fail(keyLine(0, "window_days"), "review.policy.ladder-days")
	}
	for kind, o := range p.Kinds {
		at := keyLine(0, "[kinds."+kind+"]")
		if !slices.Contains(model.GroupKinds, model.GroupKind(kind)) {
			fail(at, "review.policy.kind", kind)
		}
		if o.Ladder != "" && o.Ladder != "general" && o.Ladder != "party" {
			fail(at, "review.policy.kind-ladder", kind)
		}
		for id, sev := range o.Severity {
			if !seen[id] {
				fail(at, "review.policy.kind-rule", kind, id)
			}
			if SeverityRank(sev) == len(severities) {
				fail(at, "review.policy.kind-severity", kind, sev, id)
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
			return nil, &PolicyError{File: file, Line: i + 1, Why: i18n.E("review.policy.utf8")}
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
