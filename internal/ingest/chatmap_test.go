package ingest

import (
	"encoding/json"
	"testing"
)

// A message's attachments, forwarded-from and sender come as JSON carries them: each byte of
// invalid UTF-8 a U+FFFD, so that the post stored is the post its payload replays to.
func TestValidText(t *testing.T) {
	for in, want := range map[string]string{"": "", "王a": "王a", "a\xffb": "a\uFFFDb", "\xe7\x8e": "\uFFFD\uFFFD", "\uFFFD": "\uFFFD"} {
		if got := validText(in); got != want {
			t.Errorf("validText(%q) = %q, want %q", in, got, want)
		}
		var back string
		if raw, _ := json.Marshal(in); json.Unmarshal(raw, &back) != nil || back != want {
			t.Errorf("JSON carries %q as %q, not as %q", in, back, want)
		}
	}
}
