// Package syntax colours the raw JSON view: a JSON lexer on chroma's engine,
// the syntax styles built into manifold's themes (as data), and chroma XML
// style files a user theme can name.
//
// chroma's lexers and styles packages are not linked: each registers all it
// holds when the program starts (~300 lexers, ~70 XML styles parsed; 17 ms
// and 4.6 MB in every run of manifold, --help included, measured with
// GODEBUG=inittrace=1), and Go cannot load a package later. Only chroma's
// engine and its terminal formatter are used; tests import the rest to check
// that the lexer and the built-in styles give what chroma's own give.
package syntax

import (
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// JSONLexer is the raw screen's JSON lexer, built on first use: JSON's
// grammar on chroma's engine, with the token types of chroma's own JSON
// lexer, so every chroma style colours it as it would chroma's.
var JSONLexer = sync.OnceValue(func() chroma.Lexer {
	return chroma.Coalesce(chroma.MustNewLexer(&chroma.Config{Name: "JSON", Aliases: []string{"json"}, DotAll: true}, jsonRules))
})

// jsonRules is the grammar of JSONLexer. Every token type it emits (and
// chroma.Error, which the engine gives a character no rule matches) must
// be in emitted, for which the built-in styles hold their colours.
func jsonRules() chroma.Rules {
	str := `"(\\\\|\\"|[^"])*"`
	return chroma.Rules{
		"root":       {chroma.Include("value")},
		"whitespace": {{Pattern: `\s+`, Type: chroma.Text}},
		"comment":    {{Pattern: `//.*?\n`, Type: chroma.CommentSingle}},
		"simplevalue": {
			{Pattern: `(true|false|null)\b`, Type: chroma.KeywordConstant},
			{Pattern: `-?(0|[1-9]\d*)(\.\d+[eE](\+|-)?\d+|[eE](\+|-)?\d+|\.\d+)`, Type: chroma.LiteralNumberFloat},
			{Pattern: `-?(0|[1-9]\d*)`, Type: chroma.LiteralNumberInteger},
			{Pattern: str, Type: chroma.LiteralStringDouble},
		},
		"objectattribute": {
			chroma.Include("value"),
			{Pattern: `:`, Type: chroma.Punctuation},
			{Pattern: `,`, Type: chroma.Punctuation, Mutator: chroma.Pop(1)},
			{Pattern: `\}`, Type: chroma.Punctuation, Mutator: chroma.Pop(2)},
		},
		"objectvalue": {
			chroma.Include("whitespace"),
			chroma.Include("comment"),
			{Pattern: str, Type: chroma.NameTag, Mutator: chroma.Push("objectattribute")},
			{Pattern: `\}`, Type: chroma.Punctuation, Mutator: chroma.Pop(1)},
		},
		"arrayvalue": {
			chroma.Include("whitespace"),
			chroma.Include("value"),
			chroma.Include("comment"),
			{Pattern: `,`, Type: chroma.Punctuation},
			{Pattern: `\]`, Type: chroma.Punctuation, Mutator: chroma.Pop(1)},
		},
		"value": {
			chroma.Include("whitespace"),
			chroma.Include("simplevalue"),
			chroma.Include("comment"),
			{Pattern: `\{`, Type: chroma.Punctuation, Mutator: chroma.Push("objectvalue")},
			{Pattern: `\[`, Type: chroma.Punctuation, Mutator: chroma.Push("arrayvalue")},
		},
	}
}
