package raw

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers" // tests only: both register all they hold at init
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/manifold-dev/manifold/themes"
)

// TestRawColoursAreChromas: the raw view of each built-in theme is coloured
// byte for byte as chroma's own JSON lexer and style of that name colour it
// (what the raw view did when it linked chroma's lexers and styles).
func TestRawColoursAreChromas(t *testing.T) {
	raw := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"digest":"sha256:ab","size":1.5e3,"platform":{"os":"linux","architecture":"arm64","os.features":[]}},{"x":null,"y":true,"z":-0.25}]}`)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	for _, th := range []themes.Theme{themes.Dark, themes.Light, themes.HighContrast} {
		it, err := chroma.Coalesce(lexers.Get("json")).Tokenise(nil, pretty.String())
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := formatters.TTY256.Format(&want, styles.Get(th.ChromaStyle), it); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(formatJSON(raw, th.SyntaxStyle(), false), "\n")
		if w := strings.TrimRight(want.String(), "\n"); got != w {
			t.Errorf("%s: the raw view is\n%q\nchroma colours it\n%q", th.Name, got, w)
		}
		if !strings.Contains(got, "\x1b[") {
			t.Errorf("%s: no colour in %q", th.Name, got)
		}
	}
	if got := formatJSON(raw, themes.NoColor.SyntaxStyle(), false); strings.Contains(strings.Join(got, ""), "\x1b[") {
		t.Errorf("none: coloured: %q", got)
	}
}
