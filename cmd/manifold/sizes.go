package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newSizesCmd) }

func newSizesCmd(g *globals) *cobra.Command {
	var (
		output string
		ff     *formatFlag
	)
	cmd := &cobra.Command{
		Use:   "sizes REF",
		Short: "Show the pull size of each platform, what they share, and the unique total",
		Long: `sizes reads a reference with every child manifest and config and shows, per
platform:

  - the compressed pull size (config and layers, as stored);
  - the layer bytes it shares with other platforms, and the ones only it has;
  - an estimate of the uncompressed size, without pulling: the last 4 bytes
    of a gzip layer hold its size (modulo 4 GiB) and the header of a zstd
    frame may hold it, so sizes asks for those bytes with a Range request.
    Where the registry refuses ranges, or a layer is zstd:chunked or
    encrypted, the size is unknown, and the estimate says how many layers
    it leaves out.

Then the total of unique bytes across the index (what the registry stores
and pulling every platform downloads), and the attestation manifests,
counted apart. -o json prints the same as numbers.`,
		Example: `  manifold sizes localhost:5000/app:v1
  manifold sizes localhost:5000/app:v1 -o json | jq '.platforms[] | {platform, compressed}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, c, err := g.formatClient(output, formatTable, formatJSON)
			if err != nil {
				return err
			}
			if err := ff.parse(output, "table"); err != nil {
				return err
			}
			r, err := verbs.Sizes(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			if format == formatJSON {
				return writeJSON(g.stdout, r)
			}
			if ff.custom() {
				return ff.write(g.stdout, r, asRows(r.Platforms))
			}
			return writeSizesTable(g.stdout, r)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	ff = addFormatFlag(cmd, func() string {
		return "the object: " + fmtpkg.Fields(model.SizeReport{}) +
			"\n  a row of 'table TEMPLATE' (one a platform): " + fmtpkg.Fields(model.PlatformSize{})
	})
	return cmd
}

// uncompressedLabel shows an estimate: "~12.3 MB", "≥ 4.0 MB (2 layers
// unknown)" or "unknown".
func uncompressedLabel(p model.PlatformSize) string {
	switch {
	case p.Note != "":
		return "-"
	case p.UncompressedKnown:
		return "~" + humanSize(p.Uncompressed)
	case p.Uncompressed > 0:
		return fmt.Sprintf("≥ %s (%d unknown)", humanSize(p.Uncompressed), p.UnknownLayers)
	}
	return "unknown"
}

func writeSizesTable(w io.Writer, r *model.SizeReport) error {
	st := defaultTableStyles()
	rows := [][]string{{"PLATFORM", "COMPRESSED", "SHARED", "ONLY HERE", "UNCOMPRESSED (EST.)", "LAYERS"}}
	for _, p := range r.Platforms {
		if p.Note != "" {
			rows = append(rows, []string{termsafe.String(p.Platform), "-", "-", "-", "-", termsafe.String(p.Note)})
			continue
		}
		rows = append(rows, []string{termsafe.String(p.Platform), humanSize(p.Compressed), humanSize(p.SharedBytes), humanSize(p.UniqueBytes), uncompressedLabel(p), fmt.Sprint(p.Layers)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", st.header.Render("sizes"), termsafe.String(r.Reference)+" "+st.digest.Render(shortDigest(r.Digest)))
	for i, row := range rows {
		var cells []string
		for j, c := range row {
			pad := strings.Repeat(" ", widths[j]-len([]rune(c)))
			if j > 0 && j < len(row)-1 {
				c = pad + c // numbers right-aligned
			} else if j < len(row)-1 {
				c += pad
			}
			cells = append(cells, c)
		}
		line := strings.Join(cells, "  ")
		if i == 0 {
			line = st.faint.Render(line)
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "\nunique %s across %s (pulling each adds up to %s; sharing saves %s)\n",
		humanSize(r.UniqueBytes), plural(len(r.Platforms), "platform", "platforms"), humanSize(r.SumBytes), humanSize(r.SumBytes-r.UniqueBytes))
	if r.Attestations.Count > 0 {
		fmt.Fprintf(&b, "attestations: %s, %s (not counted above)\n", plural(r.Attestations.Count, "manifest", "manifests"), humanSize(r.Attestations.Bytes))
	}
	b.WriteString(st.faint.Render("uncompressed sizes are estimates from gzip trailers and zstd frame headers") + "\n")
	_, err := io.WriteString(colourWriter(w), b.String())
	return err
}
