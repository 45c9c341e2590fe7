package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newPushCmd) }

// exitTagMoved is the exit status of a push stopped because the target tag
// moved since the list was staged.
const exitTagMoved = 3

type pushFlags struct {
	unsafe insecureFlags
	tags   []string
	expect string
	dryRun bool
	force  bool
	purge  bool
	yes    bool
	spec   string
}

func newPushCmd(g *globals) *cobra.Command {
	var f pushFlags
	cmd := &cobra.Command{
		Use:   "push [LIST]",
		Short: "Push a staged list, or a manifest-tool spec file",
		Long: `push writes a staged list to its target tag and to every --tag.

Children that live in another repository of the same registry are copied
into the target repository first: their blobs are mounted, then the manifests
are pushed by digest. Children on another registry are copied blob by blob,
after you confirm (or with --yes). Then the index is written to each tag and
read back to verify the digest.

Right before writing, push checks that the target tag still holds the digest
it held when the list was staged or amended. If it moved, push shows what
changed and asks (exit status 3 without a terminal); --force skips the check.
The check narrows the race with another writer but cannot close it: the
registry API has no compare-and-swap.

Everything before the final tag writes is by digest, so a push that failed
half-way can simply be run again. The staged list stays until --purge.

--spec pushes a manifest-tool "push from-spec" YAML file (image, tags,
manifests[].image, manifests[].platform) without staging it. As in
manifest-tool, what a platform leaves out (variant, osversion, osfeatures,
or os and architecture together) is taken from the image's config, and
what it gives wins. Where it contradicts the config, push warns naming both
values; a contradicting os or architecture stops the push unless --force.

--dry-run prints the exact bytes that would be pushed on stdout, and the
digest, the tags, the diff and the copy plan on stderr; nothing is written.`,
		Example: `  manifold push localhost:5000/app:v1
  manifold push localhost:5000/app:v1 --tag latest --tag 1.0
  manifold push localhost:5000/app:v1 --dry-run > index.json
  manifold push localhost:5000/app:v1 --purge --yes
  manifold push --spec manifest.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.spec != "" && len(args) > 0 {
				return fmt.Errorf("give LIST or --spec, not both: the spec file names its own target (image:)")
			}
			if f.spec != "" {
				return nil
			}
			if len(args) == 0 {
				return fmt.Errorf("give the staged LIST to push (manifold staged ls lists them), or --spec FILE")
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.unsafe.insecure || !f.unsafe.tlsVerify {
				arg := ""
				if len(args) > 0 {
					arg = args[0]
				}
				g.allowInsecure(f.unsafe, pushRefs(arg, f.spec)...)
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			var (
				l   *model.StagedList
				st  *stagestore.Store
				rev int64
			)
			if f.spec != "" {
				raw, err := os.ReadFile(f.spec)
				if err != nil {
					return fmt.Errorf("read spec: %w", err)
				}
				spec, err := model.ParseSpec(raw)
				if err != nil {
					return err
				}
				l, err = listFromSpec(cmd.Context(), c, spec, g.stderr, f.force)
				if err != nil {
					return err
				}
				f.tags = append(spec.Tags, f.tags...)
			} else {
				if st, err = openStageStore(); err != nil {
					return err
				}
				if l, rev, err = loadStagedRev(st, c, args[0]); err != nil {
					return err
				}
			}
			return runPush(cmd.Context(), g, c, st, l, rev, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.tags, "tag", "t", nil, "also write the index to this tag of the target repository (repeatable)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the bytes and digest that would be pushed; write nothing")
	fl.BoolVarP(&f.force, "force", "f", false, "push even if the target tag moved since the list was staged (or a --spec contradicts an image's os or architecture)")
	fl.BoolVarP(&f.purge, "purge", "p", false, "discard the staged list after a successful push")
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask: copy children from other registries, push over a moved tag")
	fl.StringVar(&f.spec, "spec", "", "push a manifest-tool from-spec YAML file instead of a staged list")
	addInsecureFlags(cmd, &f.unsafe)
	fl.StringVar(&f.expect, "expect-digest", "", "push only if the index is this digest (the one --dry-run printed); nothing is written otherwise")
	return cmd
}

// listFromSpec builds the list a spec describes, pinning each image by
// digest. Platforms are merged over the image config as manifest-tool does;
// a spec that contradicts a config's os or architecture stops unless force.
func listFromSpec(ctx context.Context, c *registry.Client, s *model.Spec, warn io.Writer, force bool) (*model.StagedList, error) {
	target, err := c.ParseReference(s.Image)
	if err != nil {
		return nil, err
	}
	if _, ok := target.(name.Tag); !ok {
		return nil, fmt.Errorf("spec image %s must be a tag", s.Image)
	}
	base, err := c.HeadDigest(ctx, target.Name())
	if err != nil {
		return nil, err
	}
	l := &model.StagedList{Name: target.Name(), Target: target.Name(), Base: base, Annotations: s.Annotations}
	blocked := false
	for _, m := range s.Manifests {
		t, err := c.Tree(ctx, m.Image, registry.TreeOptions{All: true})
		if err != nil {
			return nil, err
		}
		es, err := model.EntriesFromTree(m.Image, t, nil)
		if err != nil {
			return nil, err
		}
		if !m.Platform.IsZero() && len(es) != 1 {
			return nil, fmt.Errorf("spec image %s is a list: a platform can only be given for a single image", m.Image)
		}
		if len(es) == 1 && !t.IsIndex() {
			conflicts, err := model.MergeSpecPlatform(&es[0], m.Platform)
			if err != nil {
				return nil, err
			}
			for _, cf := range conflicts {
				fmt.Fprintf(warn, "warning: %s\n", termsafe.String(cf.String()))
				blocked = blocked || cf.Blocks
			}
		}
		for i := range es {
			if len(m.Annotations) > 0 && !es[i].IsAttestation() {
				l2 := model.StagedList{Entries: []model.StagedEntry{es[i]}}
				if err := l2.Annotate(0, model.PlatformEdit{}, m.Annotations); err != nil {
					return nil, err
				}
				es[i] = l2.Entries[0]
			}
		}
		_, skipped := l.AddReport(es...)
		for _, sk := range skipped {
			fmt.Fprintln(warn, termsafe.String(sk.Message(l)))
		}
	}
	if blocked && !force {
		return nil, fmt.Errorf("not pushed: the spec contradicts an image config's os or architecture (above): fix the spec, or --force to push it as written")
	}
	return l, nil
}

// runPush pushes l, asking before cross-registry copies and before writing
// over a moved tag. st is nil for a list that is not staged (--spec); rev is
// the revision of the staged list that was read, which --purge discards
// only if nobody changed the list during the push.
func runPush(ctx context.Context, g *globals, c *registry.Client, st *stagestore.Store, l *model.StagedList, rev int64, f pushFlags) error {
	plan, err := c.PlanPush(l, f.tags)
	if err != nil {
		return err
	}
	printFindings(g.stderr, plan.Findings)
	if f.expect != "" {
		if _, err := v1.NewHash(f.expect); err != nil {
			return fmt.Errorf("--expect-digest %s: give the digest --dry-run printed, sha256:<64 hex digits>", termsafe.String(f.expect))
		}
		if f.expect != plan.Digest {
			again := "manifold push " + termsafe.String(l.Name) + " --dry-run"
			if st == nil {
				again = "manifold push --spec " + termsafe.String(f.spec) + " --dry-run"
			}
			return fmt.Errorf("not pushed: %s would now be %s, not the %s you reviewed (--expect-digest); it changed since: %s shows it again",
				termsafe.String(l.Target), plan.Digest, termsafe.String(f.expect), again)
		}
	}
	if model.Blocking(plan.Findings) {
		if st == nil {
			return fmt.Errorf("not pushed: fix the errors above in the spec file")
		}
		return fmt.Errorf("not pushed: fix the errors above with manifold annotate (--remove drops an entry); manifold staged show %s shows the list", termsafe.String(l.Name))
	}
	if f.dryRun {
		return dryRun(ctx, g, c, l, plan)
	}
	opts := registry.PushOptions{Tags: f.tags, Force: f.force, AllowCrossRegistry: f.yes, ExpectDigest: f.expect,
		Progress: func(ev registry.PushEvent) { printProgress(g, ev) }}
	if cross := plan.CrossRegistry(); len(cross) > 0 && !f.yes {
		fmt.Fprintf(g.stderr, "%d child manifest(s) must be copied blob by blob from another registry:\n", len(cross))
		for _, ch := range cross {
			fmt.Fprintf(g.stderr, "  %s %s\n", termsafe.String(ch.Entry.PlatformString()), termsafe.String(ch.Entry.Ref()))
		}
		if !editConfirm(g, "copy them into "+termsafe.String(plan.Repository)+"?") {
			return fmt.Errorf("not pushed: copying from another registry needs confirmation (--yes)")
		}
		opts.AllowCrossRegistry = true
	}
	res, err := verbs.Push(ctx, c, l, opts)
	var moved *verbs.TagMovedError
	if errors.As(err, &moved) {
		fmt.Fprintln(g.stderr, termsafe.String(moved.Error()))
		if moved.Comparison != nil {
			fmt.Fprintf(g.stderr, "pushing now would change %s like this:\n", termsafe.String(moved.Tag))
			printDiff(g.stderr, moved.Comparison.Diff)
		}
		if !f.yes && !editConfirm(g, "push anyway?") {
			return &exitError{code: exitTagMoved, msg: fmt.Sprintf("not pushed: the tag moved. To start the list again from what the tag holds now, keeping your changes:\n  manifold staged rebase %s\nthen push again; or push over it with --force", termsafe.String(l.Name))}
		}
		opts.Force = true
		res, err = c.Push(ctx, l, opts)
	}
	if err != nil {
		if st != nil {
			return fmt.Errorf("%w\nthe staged list %s is kept: run the push again", err, termsafe.String(l.Name))
		}
		return err
	}
	fmt.Fprintf(g.stderr, "children: %d already there, %d mounted, %d copied\n", res.Existing, res.Mounted, res.Copied)
	for _, t := range res.Tags {
		fmt.Fprintf(g.stdout, "%s@%s\n", termsafe.String(t), res.Digest)
	}
	if st == nil {
		return nil
	}
	if f.purge {
		err := st.DiscardIf(l.Name, rev)
		if errors.Is(err, stagestore.ErrChanged) {
			// The tag holds what was pushed: the kept list amends that.
			if _, err := st.Update(l.Name, func(s *model.StagedList) error { s.Base = res.Digest; return nil }); err != nil && !errors.Is(err, stagestore.ErrNotFound) {
				return err
			}
			return fmt.Errorf("pushed, but the staged list %s was changed by another manifold during the push, so it is kept: manifold staged show %s --diff shows what is not pushed yet, manifold staged rm %s discards it",
				termsafe.String(l.Name), termsafe.String(l.Name), termsafe.String(l.Name))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "discarded staged list %s\n", termsafe.String(l.Name))
		return nil
	}
	// The tag now holds the list: further edits amend that.
	_, err = st.Update(l.Name, func(s *model.StagedList) error {
		s.Base = res.Digest
		return nil
	})
	return err
}

func dryRun(ctx context.Context, g *globals, c *registry.Client, l *model.StagedList, plan *registry.PushPlan) error {
	if _, err := fmt.Fprintf(g.stdout, "%s\n", plan.Raw); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "digest: %s\nsize: %d\nmedia type: %s\n", plan.Digest, len(plan.Raw), plan.MediaType)
	for _, t := range plan.Tags {
		fmt.Fprintf(g.stderr, "tag: %s\n", termsafe.String(t))
	}
	for _, ch := range plan.Children {
		fmt.Fprintf(g.stderr, "child %s %s: %s\n", termsafe.String(ch.Entry.PlatformString()), shortDigest(ch.Entry.Digest), ch.Action)
	}
	cmp, err := verbs.Compare(ctx, c, l)
	if err != nil {
		fmt.Fprintf(g.stderr, "cannot compare with the tag now: %s\n", termsafe.String(err.Error()))
		return nil
	}
	if cmp.Moved {
		fmt.Fprintf(g.stderr, "warning: %s moved since the list was staged (%s → %s): push will stop; manifold staged rebase %s starts the list again from it, or --force pushes over it\n", termsafe.String(l.Target), shortDigest(l.Base), shortDigest(cmp.Now.Digest), termsafe.String(l.Name))
	}
	fmt.Fprintln(g.stderr, "diff:")
	printDiff(g.stderr, cmp.Diff)
	if cmp.Now != nil {
		stale, err := verbs.StaleAfterPush(ctx, c, plan.Repository, cmp.Now.Digest, plan.Digest)
		printStale(g.stderr, stale, err)
	}
	return nil
}

// printStale says which signatures and attestations of the index the tag
// holds now will no longer apply after the push.
func printStale(w io.Writer, s *verbs.Stale, err error) {
	switch {
	case err != nil:
		fmt.Fprintf(w, "signatures: could not tell which will no longer apply: %s\n", termsafe.String(err.Error()))
	case s == nil:
	case len(s.Referrers) == 0 && len(s.Errs) == 0:
		fmt.Fprintf(w, "signatures: nothing is attached to %s, so nothing is left behind\n", shortDigest(s.From))
	default:
		fmt.Fprintf(w, "signatures: the index digest changes (%s → %s); these are attached to the old digest and will no longer apply (re-sign the new index; the images' own signatures still apply):\n",
			shortDigest(s.From), shortDigest(s.To))
		for _, l := range s.Lines() {
			fmt.Fprintf(w, "  %s\n", termsafe.String(l))
		}
	}
}

func printProgress(g *globals, ev registry.PushEvent) {
	switch ev.Step {
	case "check":
		fmt.Fprintf(g.stderr, "checking %s has not moved\n", termsafe.String(ev.Ref))
	case "exists", "mount", "copy":
		verb := map[string]string{"exists": "already there", "mount": "mounted", "copy": "copied"}[ev.Step]
		fmt.Fprintf(g.stderr, "[%d/%d] %s %s\n", ev.Done, ev.Total, shortDigest(ev.Ref), verb)
	case "index":
		fmt.Fprintf(g.stderr, "writing %s\n", termsafe.String(ev.Ref))
	case "verify":
		fmt.Fprintf(g.stderr, "verifying %s\n", termsafe.String(ev.Ref))
	}
}
