package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/format"
)

// formatFlag is --format on a read command (docker's convention; see
// internal/format). Every read command, and the ones to come (diff, sizes,
// check), adds it with addFormatFlag and writes through it.
type formatFlag struct {
	value string
	spec  format.Spec
}

// addFormatFlag adds --format to cmd and appends to its help the fields
// templates can use: of each row (list commands) or of the object. fields
// runs when the help is shown (it reflects over the JSON types: not work
// for every start of manifold).
func addFormatFlag(cmd *cobra.Command, fields func() string) *formatFlag {
	f := &formatFlag{}
	cmd.Flags().StringVar(&f.value, "format", "", "json, table, 'table TEMPLATE' or a Go TEMPLATE such as '{{.digest}}' (fields below)")
	var once sync.Once
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		once.Do(func() { c.Long += formatHelp(fields()) })
		if p := c.Parent(); p != nil {
			p.HelpFunc()(c, args)
			return
		}
		c.SetHelpFunc(nil) // cobra's own
		_ = c.Help()
	})
	return f
}

// formatHelp is what --format adds to a command's help.
func formatHelp(fields string) string {
	return "\n\n--format (docker's convention): json, table, 'table {{.a}}\\t{{.b}}' (a table,\n" +
		"header from the fields), or a Go template with a json function. Templates\n" +
		"read the JSON keys:\n" + wrapFields(fields, 78)
}

// wrapFields wraps "a: x, y, z" lines at width, continuation lines indented.
func wrapFields(s string, width int) string {
	var out strings.Builder
	for _, para := range strings.Split(s, "\n") {
		line := " "
		for _, word := range strings.SplitAfter(strings.TrimSpace(para), " ") {
			if len(line)+len(word) > width && strings.TrimSpace(line) != "" {
				out.WriteString(strings.TrimRight(line, " ") + "\n")
				line = "    "
			}
			line += word
		}
		out.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return strings.TrimRight(out.String(), "\n")
}

// parse checks --format against -o: they say the same thing twice.
func (f *formatFlag) parse(output, defaultOutput string) error {
	sp, err := format.Parse(f.value)
	if err != nil {
		return err
	}
	if sp.Kind != format.Default && output != defaultOutput {
		return fmt.Errorf("give --format or -o, not both")
	}
	f.spec = sp
	return nil
}

// custom is true when --format asks for something other than the command's
// usual output (json, a template, a table template).
func (f *formatFlag) custom() bool {
	return f.spec.Kind == format.JSON || f.spec.Kind == format.Template || f.spec.Kind == format.TableTemplate
}

// write prints obj in the --format asked for: json (indented), a Go
// template run once on obj, or 'table TEMPLATE' run on each of rows. It is
// for commands whose JSON is one object with a list in it (diff's
// platforms, sizes' platforms, check's problems).
func (f *formatFlag) write(w io.Writer, obj any, rows []any) error {
	if f.spec.Kind == format.TableTemplate {
		return f.spec.Rows(w, rows)
	}
	return f.spec.Object(w, obj)
}

// asRows turns a slice into the rows of 'table TEMPLATE'.
func asRows[T any](s []T) []any {
	rows := make([]any, len(s))
	for i := range s {
		rows[i] = s[i]
	}
	return rows
}
