// Command ansi2svg renders a terminal capture (tmux capture-pane -e: text
// with SGR colour sequences) as an SVG image. It knows SGR only, which is
// all capture-pane emits: bold, faint, italic, underline, reverse and the
// 16, 256 and true-colour palettes.
//
//	tmux capture-pane -e -p -t S | go run ./scripts/ansi2svg -title T > out.svg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

const (
	cellW  = 8.4
	cellH  = 18.0
	pad    = 14.0
	defFg  = "#d8dee9"
	defBg  = "#1e2030"
	titleH = 30.0
)

var basic = []string{
	"#1e2030", "#f7768e", "#9ece6a", "#e0af68", "#7aa2f7", "#bb9af7", "#7dcfff", "#c0caf5",
	"#545c7e", "#ff7a93", "#b9f27c", "#ff9e64", "#7da6ff", "#c9a5ff", "#0db9d7", "#ffffff",
}

func xterm256(n int) string {
	switch {
	case n < 16:
		return basic[n]
	case n < 232:
		n -= 16
		lv := []int{0, 95, 135, 175, 215, 255}
		return fmt.Sprintf("#%02x%02x%02x", lv[n/36], lv[(n/6)%6], lv[n%6])
	default:
		v := 8 + (n-232)*10
		return fmt.Sprintf("#%02x%02x%02x", v, v, v)
	}
}

type attr struct {
	fg, bg                   string
	bold, faint, italic, und bool
	rev                      bool
}

type cell struct {
	r string
	a attr
	w int
}

func sgr(a attr, params []int) attr {
	if len(params) == 0 {
		params = []int{0}
	}
	for i := 0; i < len(params); i++ {
		p := params[i]
		switch {
		case p == 0:
			a = attr{}
		case p == 1:
			a.bold = true
		case p == 2:
			a.faint = true
		case p == 3:
			a.italic = true
		case p == 4:
			a.und = true
		case p == 7:
			a.rev = true
		case p == 22:
			a.bold, a.faint = false, false
		case p == 23:
			a.italic = false
		case p == 24:
			a.und = false
		case p == 27:
			a.rev = false
		case p >= 30 && p <= 37:
			a.fg = basic[p-30]
		case p >= 90 && p <= 97:
			a.fg = basic[p-90+8]
		case p >= 40 && p <= 47:
			a.bg = basic[p-40]
		case p >= 100 && p <= 107:
			a.bg = basic[p-100+8]
		case p == 39:
			a.fg = ""
		case p == 49:
			a.bg = ""
		case p == 38 || p == 48:
			var c string
			if i+2 < len(params) && params[i+1] == 5 {
				c = xterm256(params[i+2])
				i += 2
			} else if i+4 < len(params) && params[i+1] == 2 {
				c = fmt.Sprintf("#%02x%02x%02x", params[i+2], params[i+3], params[i+4])
				i += 4
			}
			if p == 38 {
				a.fg = c
			} else {
				a.bg = c
			}
		}
	}
	return a
}

// parseLine splits a captured line into cells, applying SGR sequences and
// skipping every other escape sequence.
func parseLine(s string, a attr) ([]cell, attr) {
	var cells []cell
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				var ps []int
				for _, f := range strings.FieldsFunc(s[i+2:j], func(r rune) bool { return r == ';' || r == ':' }) {
					n, _ := strconv.Atoi(f)
					ps = append(ps, n)
				}
				a = sgr(a, ps)
			}
			i = j + 1
			continue
		}
		if s[i] == 0x1b { // other escapes: skip ESC and the next byte
			i += 2
			continue
		}
		g, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		if g == "" {
			break
		}
		cells = append(cells, cell{r: g, a: a, w: w})
		i += len(g)
	}
	return cells, a
}

func main() {
	title := flag.String("title", "manifold", "window title")
	cols := flag.Int("cols", 0, "columns (default: the widest line)")
	flag.Parse()
	if err := render(os.Stdin, os.Stdout, *title, *cols); err != nil {
		fmt.Fprintln(os.Stderr, "ansi2svg:", err)
		os.Exit(1)
	}
}

func render(in io.Reader, out io.Writer, title string, cols int) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var lines [][]cell
	var a attr
	for sc.Scan() {
		var cs []cell
		cs, a = parseLine(sc.Text(), a)
		lines = append(lines, cs)
		w := 0
		for _, c := range cs {
			w += c.w
		}
		cols = max(cols, w)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	width := float64(cols)*cellW + 2*pad
	height := float64(len(lines))*cellH + 2*pad + titleH
	b := &strings.Builder{}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", width, height, width, height)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" rx="8" fill="%s"/>`+"\n", defBg)
	for i, c := range []string{"#ff5f57", "#febc2e", "#28c840"} {
		fmt.Fprintf(b, `<circle cx="%d" cy="15" r="6" fill="%s"/>`+"\n", 20+i*20, c)
	}
	fmt.Fprintf(b, `<text x="%.0f" y="20" fill="#8089b3" font-family="monospace" font-size="13" text-anchor="middle">%s</text>`+"\n", width/2, html.EscapeString(title))
	fmt.Fprintf(b, `<g font-family="'JetBrains Mono','DejaVu Sans Mono',Menlo,monospace" font-size="14" xml:space="preserve">`+"\n")
	for y, cs := range lines {
		ty := pad + titleH + float64(y)*cellH
		x := 0
		for i := 0; i < len(cs); {
			// A run: cells with the same attributes, drawn as one text
			// stretched to its cells so columns stay aligned.
			j, w := i, 0
			for j < len(cs) && cs[j].a == cs[i].a {
				w += cs[j].w
				j++
			}
			run := cs[i:j]
			a := run[0].a
			fg, bg := a.fg, a.bg
			if a.rev {
				fg, bg = orDef(bg, defBg), orDef(fg, defFg)
			}
			x0 := pad + float64(x)*cellW
			if bg != "" {
				fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0, ty, float64(w)*cellW+0.5, cellH, bg)
			}
			var text strings.Builder
			for _, c := range run {
				text.WriteString(c.r)
			}
			if t := text.String(); strings.TrimSpace(t) != "" {
				style := ""
				if a.bold {
					style += ` font-weight="bold"`
				}
				if a.italic {
					style += ` font-style="italic"`
				}
				if a.und {
					style += ` text-decoration="underline"`
				}
				if a.faint {
					style += ` opacity="0.6"`
				}
				fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="%s" textLength="%.1f" lengthAdjust="spacingAndGlyphs"%s>%s</text>`,
					x0, ty+cellH-5, orDef(fg, defFg), float64(w)*cellW, style, html.EscapeString(t))
			}
			x += w
			i = j
		}
		b.WriteString("\n")
	}
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(out, b.String())
	return err
}

func orDef(c, d string) string {
	if c == "" {
		return d
	}
	return c
}
