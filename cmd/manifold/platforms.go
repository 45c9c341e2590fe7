package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newPlatformsCmd) }

// platformRow is one platform of `platforms --format`.
type platformRow struct {
	Platform       *model.Platform `json:"platform"`
	PlatformString string          `json:"platformString"`
	Digest         string          `json:"digest"`
	MediaType      string          `json:"mediaType"`
	Reference      string          `json:"reference"` // repository@digest
}

func platformRows(t *model.Tree) []any {
	var rows []any
	if !t.IsIndex() {
		if t.Image != nil && t.Image.Config != nil {
			pl := t.Image.Config.Platform()
			rows = append(rows, platformRow{&pl, pl.String(), t.Digest, t.MediaType, t.Repository + "@" + t.Digest})
		}
		return rows
	}
	var walk func([]*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			if e.IsIndex() {
				walk(e.Children)
				continue
			}
			if e.IsAttestation() {
				continue
			}
			var pl *model.Platform
			if e.Platform != nil {
				p := *e.Platform
				pl = &p
			} else if e.Image != nil && e.Image.Config != nil {
				p := e.Image.Config.Platform()
				pl = &p
			}
			if pl == nil {
				continue
			}
			rows = append(rows, platformRow{pl, pl.String(), e.Digest, e.MediaType, t.Repository + "@" + e.Digest})
		}
	}
	walk(t.Entries)
	return rows
}

func newPlatformsCmd(g *globals) *cobra.Command {
	var ff *formatFlag
	cmd := &cobra.Command{
		Use:   "platforms REF",
		Short: "List the platforms a reference supports (mquery style)",
		Long: `platforms prints an mquery-style summary of a reference: whether it is a
manifest list, then every platform it supports as os/arch[/variant], with
:os.version for Windows entries, in index order. Attestation entries
(unknown/unknown) are left out and counted, and so are unknown/unknown
entries without attestation annotations, which are no platform. Windows
entries show their os.version, and os.features and features are shown
after the platform, as they decide which hosts pick an entry. For a single-platform image the
platform comes from its image config.

Only the top-level manifest is fetched (plus the config of a single image
and, for entries without a platform, their manifests and configs).`,
		Example: `  manifold platforms localhost:5000/app:v1
  manifold platforms mcr.microsoft.com/windows/nanoserver:ltsc2022
  manifold platforms localhost:5000/app:v1 | grep -c '^   - linux/'
  manifold platforms localhost:5000/app:v1 --format '{{.platform.architecture}}'
  manifold platforms localhost:5000/app:v1 --format 'table {{.platformString}}\t{{.digest}}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ff.parse("", ""); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			t, err := fetchForPlatforms(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			if ff.custom() {
				return ff.spec.Rows(g.stdout, platformRows(t))
			}
			_, err = fmt.Fprint(g.stdout, platformsSummary(t))
			return err
		},
	}
	ff = addFormatFlag(cmd, func() string {
		return "one row a platform (attestations left out): " + fmtpkg.Fields(platformRow{})
	})
	return cmd
}

// fetchForPlatforms fetches what the platform list and resolution need: the
// top level, the config of a single image, and everything when an index has
// entries without a platform (their platform is in their config).
func fetchForPlatforms(ctx context.Context, c *registry.Client, ref string) (*model.Tree, error) {
	t, err := fetchTree(ctx, c, ref, false)
	if err != nil || !needsChildren(t.Entries) {
		return t, err
	}
	return fetchTree(ctx, c, ref, true)
}

func needsChildren(es []*model.Entry) bool {
	for _, e := range es {
		if !e.IsAttestation() && (e.Platform == nil || e.IsIndex()) && e.Image == nil && len(e.Children) == 0 && !e.Missing && e.Err == "" {
			return true
		}
		if needsChildren(e.Children) {
			return true
		}
	}
	return false
}

// platformsSummary is mquery's output format:
//
//	Image: REF (digest: sha256:…)
//	 * Manifest List: Yes (Image type: application/vnd.oci.image.index.v1+json)
//	 * Supported platforms:
//	   - linux/amd64
//	 * Attestations: 2 (not listed)
func platformsSummary(t *model.Tree) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Image: %s (digest: %s)\n", termsafe.String(t.Reference), termsafe.String(t.Digest))
	yes := "No"
	if t.IsIndex() {
		yes = "Yes"
	}
	fmt.Fprintf(&b, " * Manifest List: %s (Image type: %s)\n", yes, termsafe.String(t.MediaType))
	plats, atts := model.PlatformList(t)
	b.WriteString(" * Supported platforms:\n")
	for _, p := range plats {
		fmt.Fprintf(&b, "   - %s\n", termsafe.String(p.Label()))
	}
	if len(plats) == 0 {
		b.WriteString("   (none declared)\n")
	}
	if atts > 0 {
		fmt.Fprintf(&b, " * Attestations: %d (not listed)\n", atts)
	}
	if n := model.UnknownEntries(t); n > 0 {
		fmt.Fprintf(&b, " * Unknown entries: %d (unknown/unknown without attestation annotations, as podman's create --all leaves them: no host picks them; not listed)\n", n)
	}
	return b.String()
}
