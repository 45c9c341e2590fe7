package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newPlatformsCmd) }

func newPlatformsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
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
  manifold platforms localhost:5000/app:v1 | grep -c '^   - linux/'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			t, err := fetchForPlatforms(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(g.stdout, platformsSummary(t))
			return err
		},
	}
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
