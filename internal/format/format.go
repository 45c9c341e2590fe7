// Package format is --format, docker's convention, for every read command:
//
//	json              the JSON (one object a line for list commands)
//	table             the command's own table
//	table TEMPLATE    a table: TEMPLATE once a row, columns split at \t,
//	                  the header from the fields the columns name
//	TEMPLATE          a Go text/template, once a row (list commands) or once
//	                  (inspect, resolve)
//
// Templates see the command's JSON: the keys of `-o json` (.digest,
// .platform.architecture, .platformString), so what works with jq works
// here. Every string from a registry is made terminal-safe before the
// template sees it (internal/termsafe). Functions: json, join, split,
// upper, lower, title, truncate, pad.
package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"text/tabwriter"
	"text/template"
	"unicode"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// Kind says which of the forms a Spec is.
type Kind int

const (
	Default       Kind = iota // no --format: the command's usual output
	JSON                      // json
	Table                     // table
	TableTemplate             // table TEMPLATE
	Template                  // TEMPLATE
)

// Spec is a parsed --format value.
type Spec struct {
	Kind   Kind
	tmpl   *template.Template
	header []string
}

var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"join":  func(sep string, v any) string { return strings.Join(toStrings(v), sep) },
	"split": strings.Split,
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		r := []rune(s)
		r[0] = unicode.ToUpper(r[0])
		return string(r)
	},
	"truncate": func(n int, s string) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n])
		}
		return s
	},
	"pad": func(n int, s string) string {
		if w := len([]rune(s)); w < n {
			return s + strings.Repeat(" ", n-w)
		}
		return s
	},
}

// Parse reads a --format value. An empty value is Default.
func Parse(s string) (Spec, error) {
	switch strings.TrimSpace(s) {
	case "":
		return Spec{Kind: Default}, nil
	case "json":
		return Spec{Kind: JSON}, nil
	case "table":
		return Spec{Kind: Table}, nil
	}
	kind, text := Template, s
	if rest, ok := strings.CutPrefix(s, "table "); ok {
		kind, text = TableTemplate, rest
	}
	// \t and \n typed in a shell arrive as two characters; docker reads
	// them as a tab and a newline too.
	text = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(text)
	t, err := template.New("format").Funcs(funcs).Option("missingkey=zero").Parse(text)
	if err != nil {
		return Spec{}, fmt.Errorf("--format: %w (a Go template, e.g. '{{.digest}}', 'table {{.platformString}}\\t{{.digest}}', json or table)", err)
	}
	sp := Spec{Kind: kind, tmpl: t}
	if kind == TableTemplate {
		sp.header = headerOf(text)
	}
	return sp, nil
}

var fieldRef = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`)

// headerOf names each \t-separated column by the last part of the first
// field it uses, in capitals: {{.platform.architecture}} is ARCHITECTURE,
// {{.mediaType}} MEDIA TYPE.
func headerOf(text string) []string {
	var out []string
	for _, col := range strings.Split(text, "\t") {
		m := fieldRef.FindStringSubmatch(col)
		if m == nil {
			out = append(out, "")
			continue
		}
		parts := strings.Split(m[1], ".")
		out = append(out, shout(parts[len(parts)-1]))
	}
	return out
}

// shout turns mediaType into MEDIA TYPE.
func shout(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// Rows writes rows (values that encode to JSON objects) in s's form. For
// Default and Table it returns ErrOwnOutput: the command prints its own.
func (s Spec) Rows(w io.Writer, rows []any) error {
	switch s.Kind {
	case JSON:
		for _, r := range rows {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
				return err
			}
		}
		return nil
	case Template:
		for _, r := range rows {
			if err := s.exec(w, r); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		return nil
	case TableTemplate:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if _, err := fmt.Fprintln(tw, strings.Join(s.header, "\t")); err != nil {
			return err
		}
		for _, r := range rows {
			if err := s.exec(tw, r); err != nil {
				return err
			}
			if _, err := io.WriteString(tw, "\n"); err != nil {
				return err
			}
		}
		return tw.Flush()
	}
	return ErrOwnOutput
}

// Object writes one value: a template runs once on it; json is indented.
// Default and Table return ErrOwnOutput.
func (s Spec) Object(w io.Writer, v any) error {
	switch s.Kind {
	case JSON:
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case Template:
		if err := s.exec(w, v); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	}
	return ErrOwnOutput
}

// ErrOwnOutput: the command prints its usual output (Default, Table).
var ErrOwnOutput = errors.New("format: the command's own output")

// exec runs the template on v as its JSON, strings made terminal-safe.
func (s Spec) exec(w io.Writer, v any) error {
	data, err := asJSON(v)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := s.tmpl.Execute(&b, data); err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

func asJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return safe(out), nil
}

func safe(v any) any {
	switch x := v.(type) {
	case string:
		return termsafe.String(x)
	case map[string]any:
		for k, e := range x {
			x[k] = safe(e)
		}
	case []any:
		for i, e := range x {
			x[i] = safe(e)
		}
	}
	return v
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = fmt.Sprint(e)
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

// Fields lists the JSON keys of v's type (a struct or a pointer to one),
// for a command's help: "digest, mediaType, platform{architecture, os, …}".
func Fields(v any) string {
	return strings.Join(fields(reflect.TypeOf(v), 0), ", ")
}

func fields(t reflect.Type, depth int) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if depth == 0 {
			if sub := fields(f.Type, depth+1); len(sub) > 0 && f.Type.Kind() != reflect.Slice {
				name += "{" + strings.Join(sub, ", ") + "}"
			} else if f.Type.Kind() == reflect.Slice {
				name += "[]"
			}
		}
		out = append(out, name)
	}
	return out
}

// Names are the fixed forms --format takes, for completion.
func Names() []string { return []string{"json", "table"} }
