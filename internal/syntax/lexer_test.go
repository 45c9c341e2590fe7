package syntax

import (
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// The raw screen's JSON lexer gives the tokens chroma's own JSON lexer
// gives (chroma's lexers package is imported by this test only).
func TestJSONLexerMatchesChroma(t *testing.T) {
	ref := chroma.Coalesce(lexers.Get("json"))
	for _, src := range []string{
		`{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"digest": "sha256:ab", "size": 1.5e3, "platform": {"os": "linux", "os.features": [], "x": null, "y": true, "z": -0.25}}]}`,
		"{\n  \"a\\\"b\": \"c\\\\\",\n  \"n\": [1, 2, [3, {}], []],\n  \"e\": false\n}",
		`[]`, `"just a string"`, `not json at all {`, "{ // a comment\n\"k\": [1, // two\n2]}",
	} {
		want, err := ref.Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := JSONLexer().Tokenise(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		w, g := want.Tokens(), got.Tokens()
		if len(w) != len(g) {
			t.Fatalf("%q: %d tokens, chroma gives %d:\n%v\n%v", src, len(g), len(w), g, w)
		}
		for i := range w {
			if w[i] != g[i] {
				t.Fatalf("%q: token %d is %v, chroma gives %v", src, i, g[i], w[i])
			}
		}
	}
}
