package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newCreateCmd) }

func newCreateCmd(g *globals) *cobra.Command {
	var (
		amend     bool
		mediaType string
		platforms []string
		listName  string
		unsafe    insecureFlags
	)
	cmd := &cobra.Command{
		Use:   "create LIST IMAGE...",
		Short: "Stage a manifest list from images (like docker manifest create)",
		Long: `create stages a new manifest list for the tag LIST from the given images. The
list is saved locally, nothing is pushed: review it with manifold staged show,
fix platforms with annotate and write it with push.

Each IMAGE is pinned by digest and its platform is read from its config. An
IMAGE that is itself a list adds all its entries (or those matching
--platform), each image followed by its attestations.

With --amend, an already staged LIST gets the images added; a LIST not staged
yet starts from what the tag holds in the registry, keeping its entries,
attestations and annotations. The digest the tag held is remembered, and
push stops if the tag moves in the meantime.

The media type is chosen automatically: an OCI index when any image is OCI or
any annotation is set, else a Docker manifest list. --media-type overrides.`,
		Example: `  manifold create localhost:5000/app:v1 localhost:5000/app:amd64 localhost:5000/app:arm64
  manifold create localhost:5000/app:v1 localhost:5000/app:armv7 --amend
  manifold create localhost:5000/app:v1 docker.io/library/alpine:3 --platform linux/arm64
  manifold create localhost:5000/app:v1 localhost:5000/app:amd64 --media-type oci`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mt, err := model.ParseMediaTypeFlag(mediaType)
			if err != nil {
				return err
			}
			var picks []model.Platform
			for _, p := range platforms {
				pp, err := model.ParsePlatform(p)
				if err != nil {
					return err
				}
				picks = append(picks, pp)
			}
			g.allowInsecure(unsafe, args...)
			if len(args) < 2 && !amend {
				return fmt.Errorf("give at least one IMAGE: manifold create LIST IMAGE... (docker refuses an empty list too); --amend LIST starts from what the tag holds")
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			st, err := openStageStore()
			if err != nil {
				return err
			}
			target, err := c.ParseReference(args[0])
			if err != nil {
				return err
			}
			if _, ok := target.(name.Tag); !ok {
				return fmt.Errorf("LIST must be a tag, such as registry/repo:v1, not %s", args[0])
			}
			if listName == "" {
				listName = target.Name()
			}
			ctx := cmd.Context()
			alreadyStaged := fmt.Errorf("%s is already staged: add to it with --amend, or discard it with manifold staged rm", termsafe.String(listName))
			if _, err := st.Load(listName); err == nil && !amend {
				return alreadyStaged // early; StageInto checks again under the lock
			}
			// Everything from the network is fetched before the list is
			// touched; the change itself runs under the store's lock, so
			// parallel creates and amends of one list all land.
			var entries []model.StagedEntry
			for _, ref := range args[1:] {
				es, err := fetchEntries(ctx, g, c, ref, picks)
				if err != nil {
					return err
				}
				entries = append(entries, es...)
			}
			res, err := verbs.StageInto(ctx, c, st, listName, target.Name(), entries, verbs.StageOptions{Amend: amend, Keep: amend, ListOnly: amend,
				Edit: func(l *model.StagedList) {
					if cmd.Flags().Changed("media-type") {
						l.MediaType = mt
					}
				}})
			if errors.Is(err, verbs.ErrNotAList) {
				return fmt.Errorf("%s is a single image, not a list: create a new list instead of amending", termsafe.String(target.Name()))
			}
			if errors.Is(err, stagestore.ErrExists) {
				return alreadyStaged
			}
			if err != nil {
				return err
			}
			l, added, skipped := res.List, res.Added, res.Skipped
			if res.Start != nil && res.Start.Kept {
				fmt.Fprintf(g.stderr, "amending %s: %d entries from %s\n", termsafe.String(target.Name()), len(res.Start.List.Entries), shortDigest(res.Start.Now.Digest))
			}
			for _, s := range skipped {
				fmt.Fprintln(g.stderr, termsafe.String(s.Message(l)))
			}
			fmt.Fprintf(g.stdout, "staged %s: %s (%d added)\n", termsafe.String(l.Name), plural(len(l.Entries), "entry", "entries"), added)
			return reportFindings(g, l)
		},
	}
	cmd.Flags().BoolVarP(&amend, "amend", "a", false, "add to a staged list, or start from what the tag holds now")
	cmd.Flags().StringVar(&mediaType, "media-type", "auto", "oci, docker or auto")
	cmd.Flags().StringArrayVar(&platforms, "platform", nil, "from an IMAGE that is a list, take only entries for this platform (repeatable)")
	cmd.Flags().StringVar(&listName, "name", "", "name of the staged list (default: the LIST reference)")
	addInsecureFlags(cmd, &unsafe)
	return cmd
}

// fetchEntries reads ref and returns the entries it adds: the image, or
// the entries of a list (those matching picks when given), each image
// followed by its attestations.
func fetchEntries(ctx context.Context, g *globals, c *registry.Client, ref string, picks []model.Platform) ([]model.StagedEntry, error) {
	t, err := c.Tree(ctx, ref, registry.TreeOptions{All: true})
	if err != nil {
		return nil, err
	}
	var pick func(*model.Entry) bool
	if len(picks) > 0 {
		pick = func(e *model.Entry) bool { return e.Platform != nil && matchesAny(*e.Platform, picks) }
	}
	es, err := model.EntriesFromTree(ref, t, pick)
	if err != nil {
		return nil, err
	}
	if t.IsIndex() {
		if pick == nil {
			fmt.Fprintf(g.stderr, "%s is a list: taking all %s (attestations kept with their image); --platform os/arch takes only one\n", termsafe.String(ref), plural(len(es), "entry", "entries"))
		} else {
			fmt.Fprintf(g.stderr, "%s is a list: taking %s for --platform (attestations kept with their image)\n", termsafe.String(ref), plural(len(es), "entry", "entries"))
		}
	}
	return es, nil
}

// matchesAny reports whether p is one of want, compared after
// normalisation; os.version and os.features count only when given.
func matchesAny(p model.Platform, want []model.Platform) bool {
	for _, w := range want {
		got := p
		if w.OSVersion == "" {
			got.OSVersion = ""
		}
		if len(w.OSFeatures) == 0 {
			got.OSFeatures = nil
		}
		if model.PlatformKey(got) == model.PlatformKey(w) {
			return true
		}
	}
	return false
}

// plural formats n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
