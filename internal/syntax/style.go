package syntax

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
)

// emitted lists the token types JSONLexer gives: those of its rules, and
// chroma.Error for a character no rule matches (text that is not JSON).
var emitted = []chroma.TokenType{
	chroma.Text, chroma.Error, chroma.CommentSingle, chroma.KeywordConstant, chroma.LiteralNumberFloat,
	chroma.LiteralNumberInteger, chroma.LiteralStringDouble, chroma.NameTag, chroma.Punctuation,
}

// builtin holds the styles built into manifold: chroma's entries, as in its
// styles/NAME.xml, for the token types JSONLexer emits and those they take
// their colours from (sub-category, category, Text, Background). Entries
// for other token types would colour nothing here. TestBuiltinMatchesChroma
// checks every emitted type against chroma's own style.
var builtin = map[string]chroma.StyleEntries{
	"monokai": {
		chroma.Error:         "#960050 bg:#1e0010",
		chroma.Background:    "bg:#272822",
		chroma.Keyword:       "#66d9ef",
		chroma.Name:          "#f8f8f2",
		chroma.NameTag:       "#f92672",
		chroma.Literal:       "#ae81ff",
		chroma.LiteralString: "#e6db74",
		chroma.LiteralNumber: "#ae81ff",
		chroma.Punctuation:   "#f8f8f2",
		chroma.Comment:       "#75715e",
		chroma.Text:          "#f8f8f2",
	},
	"github": {
		chroma.Error:         "#f6f8fa bg:#82071e",
		chroma.Background:    "bg:#f7f7f7",
		chroma.Keyword:       "#cf222e",
		chroma.NameTag:       "#0550ae",
		chroma.LiteralString: "#0a3069",
		chroma.LiteralNumber: "#0550ae",
		chroma.Comment:       "#57606a",
		chroma.CommentSingle: "#57606a",
		chroma.Punctuation:   "#1f2328",
	},
	"bw": {
		chroma.Error:         "border:#ff0000",
		chroma.Background:    "bg:#ffffff",
		chroma.Keyword:       "bold",
		chroma.NameTag:       "bold",
		chroma.LiteralString: "italic",
		chroma.Comment:       "italic",
	},
}

// Names lists the styles built into manifold.
func Names() []string {
	out := make([]string, 0, len(builtin))
	for n := range builtin {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Builtin returns the style built in as name (any case, as chroma).
func Builtin(name string) (*chroma.Style, bool) {
	name = strings.ToLower(name)
	e, ok := builtin[name]
	if !ok {
		return nil, false
	}
	st, err := chroma.NewStyle(name, e)
	if err != nil {
		panic(fmt.Sprintf("syntax: built-in style %s: %v", name, err)) // data of this file; a test reads every one
	}
	return st, true
}

// IsFile says whether a theme's chroma_style names a file rather than a
// style: a value with a path separator or ending in ".xml".
func IsFile(v string) bool {
	return strings.ContainsAny(v, `/\`) || strings.EqualFold(filepath.Ext(v), ".xml")
}

// maxStyleFile bounds a style file: chroma's largest is under 4 KiB.
const maxStyleFile = 1 << 20

// ErrUnknownStyle is what Resolve returns for a style name manifold does
// not hold.
var ErrUnknownStyle = errors.New("not a chroma style built into manifold")

// Resolve returns the style a theme's chroma_style value names, and the
// file it was read from: nil for "" (no colours), a built-in style by name,
// or a chroma XML style file, read now (a relative path is taken from dir,
// the theme file's directory).
func Resolve(v, dir string) (st *chroma.Style, file string, err error) {
	if v == "" {
		return nil, "", nil
	}
	if !IsFile(v) {
		if st, ok := Builtin(v); ok {
			return st, "", nil
		}
		return nil, "", fmt.Errorf("chroma_style %q: %w (built in: %s); for another of chroma's styles, save its styles/%s.xml from https://github.com/alecthomas/chroma/tree/master/styles (or write one) beside the theme file and set chroma_style: %s.xml",
			v, ErrUnknownStyle, strings.Join(Names(), ", "), v, v)
	}
	file = v
	if !filepath.IsAbs(file) && dir != "" {
		file = filepath.Join(dir, file)
	}
	st, err = LoadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("chroma_style %q: %w", v, err)
	}
	return st, file, nil
}

// LoadFile reads a chroma XML style file (the format of chroma's
// styles/*.xml: <style name="…"><entry type="Keyword" style="bold #f92672"/>…).
func LoadFile(path string) (*chroma.Style, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the chroma style file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStyleFile+1))
	if err != nil {
		return nil, fmt.Errorf("read the chroma style file %s: %w", path, err)
	}
	if len(b) > maxStyleFile {
		return nil, fmt.Errorf("chroma style file %s is over %d bytes: not a style", path, maxStyleFile)
	}
	st, err := chroma.NewXMLStyle(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("chroma style file %s is not a chroma XML style (<style name=\"…\"><entry type=\"…\" style=\"…\"/>…</style>): %w", path, err)
	}
	return st, nil
}

// Highlight colours text, tokenised by JSONLexer, with st for a terminal of
// 256 colours (chroma's terminal256 formatter).
func Highlight(text string, st *chroma.Style) (string, error) {
	it, err := JSONLexer().Tokenise(nil, text)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	if err := formatters.TTY256.Format(&out, st, it); err != nil {
		return "", err
	}
	return out.String(), nil
}
