package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newInspectCmd) }

func newInspectCmd(g *globals) *cobra.Command {
	var (
		all         bool
		verbose     bool
		unsafe      insecureFlags
		output      string
		maxChildren int
		ff          *formatFlag
	)
	cmd := &cobra.Command{
		Use:   "inspect REF | inspect LIST IMAGE",
		Short: "Show the manifest list or image a reference points at",
		Long: `inspect shows the index (or single image) a reference points at: its digest,
media type and annotations, then every entry with its platform, digest and
media type. Attestation entries (unknown/unknown) are shown as what they are,
missing children (404) and entries whose image config disagrees with their
platform are marked.

--all also fetches every child manifest and image config (all children at
once, then all configs at once) and adds each image's size, layers and
creation time. It also finds what is attached to the index and to each image,
in the same round as the children: in-index attestations, OCI referrers (the
referrers API, or the sha256-<hex> tag schema where the registry has none) and
cosign's .sig/.att/.sbom tags, and says what they hold (signatures, SLSA
provenance, SBOM package counts). Signatures are shown, not verified: see
manifold verify. Of an index that names more than --max-children children
(256), only the first are fetched: the rest are listed from the index, and
stderr says how many were left out. --max-children 0 fetches them all.

Output formats:
  table  aligned columns for people; coloured only on a terminal, never
         when piped or when NO_COLOR is set (the default)
  json   the tree as JSON: reference, digest, mediaType, annotations and
         manifests (each with digest, mediaType, size, platform,
         annotations and attestationFor, plus manifest and config with --all;
         with --all also referrers [{digest, mediaType, artifactType, kind,
         source}] on the top level and each entry, statements on attestation
         entries, and referrersSupport: api, tag-fallback or unknown)
  raw    the registry's bytes of the top-level manifest, unchanged
         (--all has no effect)

inspect LIST IMAGE (docker's two-argument form) shows one entry of a list:
LIST is a staged list or a list in the registry, IMAGE names the entry as
annotate does (the reference it was added from, a digest or digest prefix,
or its platform), or is a reference whose digest is in the list.
-v/--verbose is --all, as in docker manifest inspect.`,
		Example: `  manifold inspect localhost:5000/app:v1
  manifold inspect localhost:5000/app:v1 --all
  manifold inspect docker.io/library/alpine:3.20 -o json | jq -r '.manifests[] | .platform.architecture + " " + .platformString'
  manifold inspect localhost:5000/app:v1 --format 'table {{.platformString}}\t{{.digest}}\t{{.size}}'
  manifold inspect localhost:5000/app:v1 --format '{{.digest}}'
  manifold inspect localhost:5000/app@sha256:4f1c… -o raw | sha256sum
  manifold inspect localhost:5000/app:v1 linux/arm64 -v`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := parseFormat(output, formatTable, formatJSON, formatRaw)
			if err != nil {
				return err
			}
			if err := ff.parse(output, "table"); err != nil {
				return err
			}
			all = all || verbose
			g.allowInsecure(unsafe, args...)
			c, err := g.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if len(args) == 2 {
				ref, err := inspectEntryRef(ctx, c, args[0], args[1])
				if err != nil {
					return err
				}
				args = []string{ref}
			}
			if format == formatRaw {
				m, err := c.Get(ctx, args[0])
				if err != nil {
					return err
				}
				_, err = g.stdout.Write(m.Raw)
				return err
			}
			// Without the flag, the client's limit (limits.children).
			opt, capped := 0, registry.EffectiveLimits(g.clientOptions().Limits).Children
			if cmd.Flags().Changed("max-children") {
				opt, capped = maxChildrenOption(maxChildren), maxChildren
			}
			t, err := fetchTreeOpts(ctx, c, args[0], registry.TreeOptions{All: all, Supply: all, MaxChildren: opt})
			if err != nil {
				return err
			}
			if t.LeftOut > 0 {
				fmt.Fprintf(g.stderr, "manifold: left out %s past the first %d of their index or of the tree (fetched on demand in the TUI); to fetch them, run again with --max-children %d, or --max-children 0 for all\n",
					plural(t.LeftOut, "child manifest", "child manifests"), capped, capped+t.LeftOut)
			}
			if format == formatJSON {
				return writeJSON(g.stdout, model.NewJSONView(t, all))
			}
			if ff.custom() {
				v := model.NewJSONView(t, all)
				if ff.spec.Kind == fmtpkg.TableTemplate {
					rows := make([]any, 0, len(v.Manifests))
					for _, e := range v.Manifests {
						rows = append(rows, e)
					}
					if len(v.Manifests) == 0 {
						rows = append(rows, v) // a single image: one row
					}
					return ff.spec.Rows(g.stdout, rows)
				}
				return ff.spec.Object(g.stdout, v)
			}
			w := colourWriter(g.stdout)
			return writeInspectTable(w, t, all, defaultTableStyles())
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also fetch every child manifest and image config")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "the same as --all (docker manifest inspect -v)")
	addInsecureFlags(cmd, &unsafe)
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json or raw")
	cmd.Flags().IntVar(&maxChildren, "max-children", registry.DefaultChildren, "with --all, fetch at most this many children per index (0: all; limits.children in the config file)")
	ff = addFormatFlag(cmd, func() string {
		return "the object: " + fmtpkg.Fields(model.JSONView{}) +
			"\n  a row of 'table TEMPLATE' (one a manifest): " + fmtpkg.Fields(model.JSONEntry{})
	})
	return cmd
}

// maxChildrenOption turns --max-children (0: all) into
// TreeOptions.MaxChildren (negative: no cap).
func maxChildrenOption(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// fetchTree fetches the tree of ref: only the top level, or everything with
// all. A single-platform image always gets its config too (one request):
// without it its platform is unknown.
func fetchTree(ctx context.Context, c *registry.Client, ref string, all bool) (*model.Tree, error) {
	return fetchTreeOpts(ctx, c, ref, registry.TreeOptions{All: all, Supply: all})
}

// fetchTreeOpts is fetchTree with every tree option.
func fetchTreeOpts(ctx context.Context, c *registry.Client, ref string, opts registry.TreeOptions) (*model.Tree, error) {
	t, err := c.Tree(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	if t.IsIndex() || t.Image == nil || t.Image.Config != nil || t.Image.ConfigErr != "" {
		return t, nil
	}
	cd := t.Image.ConfigDescriptor
	store := model.Store{t.Digest: {MediaType: t.MediaType, Raw: t.Raw}}
	raw, err := c.Blob(ctx, t.Repository, cd.Digest)
	if err != nil {
		store[cd.Digest] = model.Content{Err: fmt.Errorf("fetch config: %w", err)}
	} else {
		store[cd.Digest] = model.Content{MediaType: cd.MediaType, Raw: raw}
	}
	return model.Build(t.Reference, t.Repository, t.Digest, store)
}

func writeInspectTable(w io.Writer, t *model.Tree, all bool, st tableStyles) error {
	var b strings.Builder
	field := func(label, value string) {
		fmt.Fprintf(&b, "%s %s\n", st.label.Render(fmt.Sprintf("%-12s", label)), value)
	}
	field("Reference", termsafe.String(t.Reference))
	field("Digest", st.digest.Render(t.Digest))
	field("Media type", fmt.Sprintf("%s (%s)", mediaTypeName(t.MediaType), termsafe.String(t.MediaType)))
	field("Size", humanSize(t.Size))
	for i, k := range slices.Sorted(maps.Keys(t.Annotations)) {
		label := ""
		if i == 0 {
			label = "Annotations"
		}
		field(label, termsafe.String(k)+"="+termsafe.String(t.Annotations[k]))
	}
	if t.Supply != nil {
		field("Supply chain", supplySummary(t.Supply, st))
		field("Referrers", referrersSupportText(t.Supply.Support))
	}
	if !t.IsIndex() {
		writeImageFields(&b, field, t.Image, all, st)
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	header := []string{"PLATFORM", "DIGEST", "TYPE", "NOTES"}
	if all {
		header = []string{"PLATFORM", "DIGEST", "TYPE", "SIZE", "LAYERS", "CREATED", "NOTES"}
	}
	var rows [][]cell
	platOf := map[string]string{}
	var index func([]*model.Entry)
	index = func(es []*model.Entry) {
		for _, e := range es {
			if e.Platform != nil {
				platOf[e.Digest] = e.Platform.String()
			}
			index(e.Children)
		}
	}
	index(t.Entries)
	var add func(es []*model.Entry, depth int)
	add = func(es []*model.Entry, depth int) {
		for _, e := range es {
			rows = append(rows, entryRow(e, depth, all, platOf, st))
			add(e.Children, depth+1)
		}
	}
	add(t.Entries, 0)
	if len(rows) == 0 {
		_, err := io.WriteString(w, st.faint.Render("(the index has no entries)")+"\n")
		return err
	}
	return writeTable(w, header, rows, st)
}

func entryRow(e *model.Entry, depth int, all bool, platOf map[string]string, st tableStyles) []cell {
	indent := strings.Repeat("  ", depth)
	plat := styled(indent+"-", st.faint)
	switch {
	case e.Platform != nil && e.IsAttestation():
		plat = styled(indent+termsafe.String(e.Platform.Label()), st.faint)
	case e.Platform != nil:
		plat = styled(indent+termsafe.String(e.Platform.Label()), st.platform)
	case e.IsIndex():
		plat = styled(indent+"(index)", st.faint)
	}
	var notes []string
	noteStyle := st.faint
	if e.AttestationFor != "" {
		target := platOf[e.AttestationFor]
		if target == "" {
			target = termsafe.String(e.AttestationFor)
		}
		notes = append(notes, "attestation of "+target)
	} else if e.IsAttestation() {
		notes = append(notes, "attestation")
	}
	if e.Missing {
		notes = append(notes, "missing (404)")
		noteStyle = st.bad
	} else if e.Err != "" {
		notes = append(notes, termsafe.String(e.Err))
		noteStyle = st.bad
	}
	if e.Mismatch != "" {
		notes = append(notes, "platform mismatch: "+termsafe.String(e.Mismatch))
		noteStyle = st.warn
	}
	if e.Image != nil && e.Image.ConfigErr != "" {
		notes = append(notes, "config: "+termsafe.String(e.Image.ConfigErr))
		noteStyle = st.warn
	}
	if e.Supply != nil {
		notes = append(notes, strings.Join(e.Supply.Summary(), ", "))
	}
	if a := model.AnnotationNote(e.Annotations); a != "" {
		notes = append(notes, termsafe.String(a))
	}
	row := []cell{plat, styled(termsafe.String(e.Digest), st.digest), plain(mediaTypeName(e.MediaType))}
	if all {
		size, layers, created := "", "", ""
		if e.Image != nil {
			size = humanSize(e.Image.TotalSize())
			layers = fmt.Sprint(len(e.Image.Layers))
			if c := e.Image.Config; c != nil && c.Created != nil {
				created = c.Created.UTC().Format("2006-01-02 15:04")
			}
		}
		row = append(row, plain(size), plain(layers), plain(created))
	}
	return append(row, styled(strings.Join(notes, "; "), noteStyle))
}

func writeImageFields(b *strings.Builder, field func(label, value string), im *model.Image, all bool, st tableStyles) {
	if im == nil {
		return
	}
	if im.Config != nil {
		field("Platform", st.platform.Render(termsafe.String(im.Config.Platform().Label())))
		if im.Config.Created != nil {
			field("Created", im.Config.Created.UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		if len(im.Config.Entrypoint) > 0 {
			field("Entrypoint", termsafe.String(strings.Join(im.Config.Entrypoint, " ")))
		}
		if len(im.Config.Cmd) > 0 {
			field("Cmd", termsafe.String(strings.Join(im.Config.Cmd, " ")))
		}
	}
	if im.ConfigErr != "" {
		field("Config", st.bad.Render(termsafe.String(im.ConfigErr)))
	}
	field("Image size", fmt.Sprintf("%s in %d layers", humanSize(im.TotalSize()), len(im.Layers)))
	if !all {
		return
	}
	if im.Config != nil {
		for i, e := range im.Config.Env {
			label := ""
			if i == 0 {
				label = "Env"
			}
			field(label, termsafe.String(e))
		}
		for i, k := range slices.Sorted(maps.Keys(im.Config.Labels)) {
			label := ""
			if i == 0 {
				label = "Labels"
			}
			field(label, termsafe.String(k)+"="+termsafe.String(im.Config.Labels[k]))
		}
	}
	b.WriteString("\n" + st.header.Render("LAYERS") + "\n")
	for _, l := range im.Layers {
		fmt.Fprintf(b, "%s  %9s  %s\n", st.digest.Render(termsafe.String(l.Digest)), humanSize(l.Size), termsafe.String(l.MediaType))
	}
}

// supplySummary is one line about what is attached, with lookups that
// failed named.
func supplySummary(s *model.Supply, st tableStyles) string {
	line := termsafe.String(strings.Join(s.Summary(), ", "))
	if len(s.Errs) > 0 {
		line += st.warn.Render(fmt.Sprintf(" (%d lookups failed: %s)", len(s.Errs), termsafe.String(s.Errs[0])))
	}
	return line
}

func referrersSupportText(s model.Support) string {
	switch s {
	case model.SupportAPI:
		return "OCI referrers API"
	case model.SupportTagFallback:
		return "no referrers API: read the sha256-<hex> tag schema"
	}
	return "unknown (the referrers lookup failed)"
}

// inspectEntryRef is the pinned reference (repository@digest) of the entry
// image names in list: a staged list when one has that name, else the list
// the registry holds.
func inspectEntryRef(ctx context.Context, c *registry.Client, list, image string) (string, error) {
	var l *model.StagedList
	if st, err := openStageStore(); err == nil {
		l, _ = loadStaged(st, c, list)
	}
	where := "staged list " + termsafe.String(list)
	if l == nil {
		s, err := verbs.StartFromTag(ctx, c, list, list, true)
		if err != nil {
			return "", err
		}
		if !s.Kept {
			return "", fmt.Errorf("%s is not a list (staged or in the registry): inspect it alone with manifold inspect %s", termsafe.String(list), termsafe.String(list))
		}
		l, where = s.List, termsafe.String(list)
	}
	e, err := verbs.EntryOf(ctx, c, l, image)
	if err != nil {
		return "", fmt.Errorf("%s: %w (manifold inspect %s lists its entries)", where, err, termsafe.String(list))
	}
	return e.Ref(), nil
}
