package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Output helpers shared by the read-path commands (inspect, platforms,
// resolve, repos, tags). Every string that came from a registry goes
// through termsafe.String before it is printed; JSON keeps the data exact
// but writes bidi and C1 control characters as \u escapes.

// outputFormat is the value of an -o flag.
type outputFormat string

const (
	formatTable outputFormat = "table"
	formatJSON  outputFormat = "json"
	formatRaw   outputFormat = "raw"
	formatText  outputFormat = "text"
)

// parseFormat checks an -o value against the formats a command offers.
func parseFormat(s string, allowed ...outputFormat) (outputFormat, error) {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if string(f) == s {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown output format %q: use %s", s, strings.Join(names, ", "))
}

// formatClient checks an -o value, then builds the registry client: what
// every read command starts with.
func (g *globals) formatClient(output string, allowed ...outputFormat) (outputFormat, *registry.Client, error) {
	format, err := parseFormat(output, allowed...)
	if err != nil {
		return "", nil, err
	}
	c, err := g.client()
	return format, c, err
}

// colourWriter wraps w so that styles reach only a colour terminal: when w
// is not a terminal (a pipe, a file, a test buffer), or NO_COLOR is set,
// colours are stripped. CLICOLOR_FORCE=1 forces them.
func colourWriter(w io.Writer) *colorprofile.Writer {
	return &colorprofile.Writer{Forward: w, Profile: colourProfile(w)}
}

// colourProfile is what colorprofile.Detect says of w. For standard output
// it is the answer lipgloss got when it set up lipgloss.Writer (at init, from
// the same os.Stdout and environment), not a second detection: inside tmux
// each detection runs `tmux info` (a fork and exec, about 20 ms here), and
// the browser's start and every coloured table paid for one more.
func colourProfile(w io.Writer) colorprofile.Profile {
	if f, ok := w.(*os.File); ok && f == os.Stdout && lipgloss.Writer != nil && lipgloss.Writer.Forward == io.Writer(os.Stdout) {
		return lipgloss.Writer.Profile
	}
	return colorprofile.Detect(w, os.Environ())
}

// tableStyles are the few styles of the read-path tables.
type tableStyles struct {
	header, label, platform, digest, faint, warn, bad lipgloss.Style
}

func defaultTableStyles() tableStyles {
	return tableStyles{
		header:   lipgloss.NewStyle().Bold(true),
		label:    lipgloss.NewStyle().Bold(true),
		platform: lipgloss.NewStyle().Foreground(lipgloss.Color("6")),
		digest:   lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
		faint:    lipgloss.NewStyle().Faint(true),
		warn:     lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true),
		bad:      lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
	}
}

// cell is one table cell: its text (already terminal-safe) and style.
type cell struct {
	text  string
	style *lipgloss.Style
}

func plain(s string) cell                     { return cell{text: s} }
func styled(s string, st lipgloss.Style) cell { return cell{text: s, style: &st} }

// writeTable writes rows aligned in columns two spaces apart. Widths are
// measured in terminal cells, so wide characters keep the columns straight.
// The last column is not padded.
func writeTable(w io.Writer, header []string, rows [][]cell, st tableStyles) error {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], lipgloss.Width(c.text))
			}
		}
	}
	var b strings.Builder
	line := func(cells []cell) {
		var l strings.Builder
		for i, c := range cells {
			text := c.text
			if i < len(cells)-1 {
				text += strings.Repeat(" ", widths[i]-lipgloss.Width(c.text))
			}
			if c.style != nil && c.text != "" {
				text = c.style.Render(text)
			}
			l.WriteString(text)
			if i < len(cells)-1 {
				l.WriteString("  ")
			}
		}
		// Empty trailing cells leave only padding: drop it.
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	hc := make([]cell, len(header))
	for i, h := range header {
		hc[i] = styled(h, st.header)
	}
	line(hc)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON writes v as indented JSON, with a final newline, keeping every
// string exact but escaping the characters a terminal would act on.
func writeJSON(w io.Writer, v any) error { return encodeJSON(w, v, "  ") }

// writeJSONLine writes v as one line of JSON (JSON Lines), escaped as
// writeJSON does.
func writeJSONLine(w io.Writer, v any) error { return encodeJSON(w, v, "") }

func encodeJSON(w io.Writer, v any, indent string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err := w.Write(jsonTerminalSafe(buf.Bytes()))
	return err
}

// jsonTerminalSafe rewrites the runes termsafe would escape (C1 controls,
// bidi overrides, line separators, BOM, invalid UTF-8) as JSON \u escapes.
// encoding/json already escapes C0 controls inside strings, and these runes
// can only occur inside strings of valid JSON, so the document means the
// same to a JSON reader and is harmless on a terminal.
func jsonTerminalSafe(b []byte) []byte {
	if termsafe.Safe(string(b)) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out.WriteString(`\ufffd`)
		case r >= 0x80 && !termsafe.Safe(string(r)):
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.Write(b[i : i+size])
		}
		i += max(size, 1)
	}
	return out.Bytes()
}

// humanSize formats a byte count the way docker does (decimal units).
func humanSize(n int64) string { return model.FormatSize(n) }

// mediaTypeName is the vocabulary's short name for a media type, sanitized.
func mediaTypeName(mt string) string { return termsafe.String(model.MediaTypeName(mt)) }
