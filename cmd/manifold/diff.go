package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newDiffCmd) }

// stagedPrefix names a staged list where a reference is expected.
const stagedPrefix = "staged:"

func newDiffCmd(g *globals) *cobra.Command {
	var (
		output   string
		exitCode bool
		ff       *formatFlag
	)
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare two references platform by platform",
		Long: `diff compares two references, each a tag, a digest or a staged list
(staged:NAME), platform by platform:

  - platforms added and removed;
  - for each common platform the digest before and after, the layers added,
    removed and shared (with bytes), and the size delta;
  - config changes: env, entrypoint, cmd, user, workdir, labels, exposed
    ports and the length of the history;
  - annotation changes of the index, the descriptors and the manifests, and
    attestations appearing or disappearing.

Platforms pair by os/arch/variant, os.version and os.features. The table
shows the two sides in aligned columns (A left, B right); -o json prints
{from: {reference, digest}, to: {reference, digest}, platforms: [{platform,
change, from, to, layers: {added, removed, shared}, sizeDelta, config}]}.
With --exit-code, diff exits 1 when the sides differ (as git diff does).`,
		Example: `  manifold diff localhost:5000/app:v1 localhost:5000/app:v2
  manifold diff localhost:5000/app:v1 staged:localhost:5000/app:v1
  manifold diff localhost:5000/app@sha256:… localhost:5000/app:latest -o json | jq '.platforms[] | select(.change != "same")'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, c, err := g.formatClient(output, formatTable, formatJSON)
			if err != nil {
				return err
			}
			if err := ff.parse(output, "table"); err != nil {
				return err
			}
			var sides [2]verbs.Side
			for i, a := range args {
				if sides[i], err = diffSide(c, a); err != nil {
					return err
				}
			}
			d, err := verbs.Diff(cmd.Context(), c, sides[0], sides[1])
			if err != nil {
				return err
			}
			switch {
			case format == formatJSON:
				err = writeJSON(g.stdout, d)
			case ff.custom():
				err = ff.write(g.stdout, d, asRows(d.Platforms))
			default:
				err = writeDiffTable(g.stdout, d)
			}
			if err != nil {
				return err
			}
			if exitCode && differs(d) {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when the two sides differ")
	ff = addFormatFlag(cmd, func() string {
		return "the object: " + fmtpkg.Fields(model.RefDiff{}) +
			"\n  a row of 'table TEMPLATE' (one a platform): " + fmtpkg.Fields(model.PlatformDiff{})
	})
	return cmd
}

// diffSide reads a diff argument: staged:NAME is a staged list, anything
// else a reference.
func diffSide(c *registry.Client, arg string) (verbs.Side, error) {
	name, ok := strings.CutPrefix(arg, stagedPrefix)
	if !ok {
		return verbs.Side{Ref: arg}, nil
	}
	st, err := openStageStore()
	if err != nil {
		return verbs.Side{}, err
	}
	l, err := loadStaged(st, c, name)
	if err != nil {
		return verbs.Side{}, err
	}
	return verbs.Side{Staged: l}, nil
}

// differs reports whether the diff found any change.
func differs(d *model.RefDiff) bool {
	if d.From.Digest != d.To.Digest || d.MediaType != "" || len(d.Annotations) > 0 {
		return true
	}
	for _, p := range d.Platforms {
		if p.Change != model.PlatformSame {
			return true
		}
	}
	return false
}

// maxDiffCell bounds a column of the diff table.
const maxDiffCell = 56

// writeDiffTable prints the diff as two aligned columns, A left and B right.
func writeDiffTable(w io.Writer, d *model.RefDiff) error {
	st := defaultTableStyles()
	rows := d.Rows()
	labelW, leftW := 0, 0
	for _, r := range rows {
		labelW = max(labelW, ansi.StringWidth(termsafe.String(r.Label)))
		leftW = max(leftW, min(ansi.StringWidth(termsafe.String(r.Left)), maxDiffCell))
	}
	labelW = min(labelW, 40)
	var b strings.Builder
	for _, r := range rows {
		label := ansi.Truncate(termsafe.String(r.Label), labelW, "…")
		left := ansi.Truncate(termsafe.String(r.Left), maxDiffCell, "…")
		right := ansi.Truncate(termsafe.String(r.Right), maxDiffCell, "…")
		label += strings.Repeat(" ", labelW-ansi.StringWidth(label))
		left += strings.Repeat(" ", leftW-ansi.StringWidth(left))
		m := r.Mark
		switch m {
		case "+":
			m = st.label.Render(m)
		case "-", "!":
			m = st.bad.Render(m)
		case "~":
			m = st.warn.Render(m)
		}
		if r.Header {
			label = st.header.Render(label)
			if r.Label != "reference" && r.Mark != " " {
				b.WriteString("\n")
			}
		}
		fmt.Fprintf(&b, "%s %s  %s │ %s\n", m, label, left, right)
	}
	a, rm, ch, same := d.Counts()
	fmt.Fprintf(&b, "\n%d added, %d removed, %d changed, %d the same\n", a, rm, ch, same)
	_, err := io.WriteString(colourWriter(w), b.String())
	return err
}
