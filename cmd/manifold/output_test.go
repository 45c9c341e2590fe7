package main

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

func TestJSONTerminalSafe(t *testing.T) {
	var buf bytes.Buffer
	v := map[string]string{"a": "x\u202ey\u0085z\u2028\ufeff", "b": "plain", "c": "\x1b[31m"}
	if err := writeJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, r := range out {
		if r >= 0x80 && !termsafe.Safe(string(r)) {
			t.Errorf("unsafe rune %U left in %q", r, out)
		}
	}
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `\u202e`) {
		t.Errorf("output = %q", out)
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || !reflect.DeepEqual(back, v) {
		t.Errorf("round trip = %q, %v", back, err)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1548: "1.5 kB", 25_300_000: "25.3 MB", 1 << 62: "4.6 EB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzJSONTerminalSafe: whatever JSON goes in, what comes out means the same
// to a JSON reader and holds no rune a terminal would act on.
func FuzzJSONTerminalSafe(f *testing.F) {
	f.Add([]byte(`{"a":"x` + "\u202e" + `y","b":["` + "\u0085" + `"]}`))
	f.Add([]byte("\"\xff\xfe\""))
	f.Add([]byte(`[1,2,{"k":"` + "\u2028\ufeff" + `"}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var want any
		if json.Unmarshal(in, &want) != nil {
			return
		}
		out := jsonTerminalSafe(in)
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range string(out) {
			if r >= 0x80 && !termsafe.Safe(string(r)) {
				t.Fatalf("unsafe rune %U left in %q", r, out)
			}
		}
		var got any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("output of %q is not JSON: %v", in, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("meaning changed: %q → %q", in, out)
		}
	})
}

// colourProfile answers for standard output what lipgloss detected for it at
// init (no second detection: in tmux each one runs `tmux info`), and for any
// other writer what colorprofile.Detect says, environment included.
func TestColourProfile(t *testing.T) {
	if got, want := colourProfile(os.Stdout), lipgloss.Writer.Profile; got != want {
		t.Errorf("standard output: %v, want lipgloss's %v", got, want)
	}
	for _, env := range [][2]string{{"", ""}, {"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}} {
		if env[0] != "" {
			t.Setenv(env[0], env[1])
		}
		var b bytes.Buffer
		if got, want := colourProfile(&b), colorprofile.Detect(&b, os.Environ()); got != want {
			t.Errorf("a buffer with %s=%s: %v, want %v", env[0], env[1], got, want)
		}
		if w := colourWriter(&b); w.Forward != &b || w.Profile != colourProfile(&b) {
			t.Errorf("colourWriter with %s=%s: %+v", env[0], env[1], w)
		}
	}
}
