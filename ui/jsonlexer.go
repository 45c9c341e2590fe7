package ui

import (
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// jsonLexer is the raw screen's JSON lexer, built on first use. chroma's
// lexers package registers its ~300 lexers when the program starts (13 ms
// and 2.7 MB in every run of manifold, --help included, measured with
// GODEBUG=inittrace=1), and Go cannot load a package later, so the one
// lexer the raw screen needs is defined here on chroma's engine: JSON's
// grammar, with chroma's token types, so every chroma style colours it as
// it would chroma's own JSON lexer.
var jsonLexer = sync.OnceValue(func() chroma.Lexer {
	str := `"(\\\\|\\"|[^"])*"`
	return chroma.Coalesce(chroma.MustNewLexer(&chroma.Config{Name: "JSON", Aliases: []string{"json"}, DotAll: true},
		func() chroma.Rules {
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
		}))
})
