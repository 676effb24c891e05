package ingest

import "testing"

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"徐  清":       "徐清",
		" 徐\u3000清 ": "徐清",
		"Li  Na":     "Li Na",
		"王 Lina":     "王 Lina",
		"欧阳 娜娜":      "欧阳娜娜",
		"ＡＢＣ１２３":     "ABC123",
		"张伟":         "张伟",
		"":           "",
		"   ":        "",
		"阿卜杜拉 · 买买提": "阿卜杜拉·买买提",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
