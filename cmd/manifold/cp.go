package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/components/progress"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newCpCmd) }

type cpFlags struct {
	platforms []string
	referrers bool
	dryRun    bool
	yes       bool
	jobs      int
	progress  string
}

func newCpCmd(g *globals) *cobra.Command {
	var f cpFlags
	cmd := &cobra.Command{
		Use:   "cp SRC DST",
		Short: "Copy an image or index, or some of its platforms, to another tag or registry",
		Long: `cp copies SRC (a tag or digest) to DST (a tag, on the same registry or another).

Without --platform everything is copied byte for byte, so DST gets SRC's
digest. With --platform (repeatable, or comma-separated) the index is
rewritten to hold only the entries those platforms pull, with containerd's
rules (linux/arm64 takes linux/arm64/v8), and their attestations: the index
digest changes, so signatures made on SRC's digest do not apply to DST.

Within a registry, blobs are mounted; across registries each blob is streamed
once from source to target and verified by digest on the way. Blobs and
manifests the target already has are skipped, and the index is written last,
only when every child exists at the target: a copy that was interrupted is
simply run again.

--referrers also copies what is attached to each image copied: signatures,
SBOMs and attestations found by the OCI referrers API, its tag schema, or
cosign's sha256-<hex>.sig/.att/.sbom tags. At a target without the referrers
API they are written in the referrers tag schema.

cp shows its plan and asks before writing (on a terminal); scripts pass --yes.
--dry-run shows the plan and writes nothing.`,
		Example: `  manifold cp localhost:5000/app:v1 registry.example.com/app:v1
  manifold cp localhost:5000/app:v1 localhost:5000/mirror/app:v1-arm --platform linux/arm64,linux/arm/v7
  manifold cp localhost:5000/app:v1 localhost:5001/app:v1 --referrers --dry-run
  manifold cp localhost:5000/app@sha256:3f5a… localhost:5001/app:v1 --yes --jobs 8 --progress plain`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runCopy(cmd.Context(), args[0], args[1], f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.platforms, "platform", nil, "copy only the entry this platform pulls, and its attestations (repeatable, or comma-separated)")
	fl.BoolVar(&f.referrers, "referrers", false, "also copy the signatures, SBOMs and attestations attached to each image (referrers API, its tag schema, cosign tags)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the plan and write nothing")
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask")
	fl.IntVar(&f.jobs, "jobs", 4, "blobs copied at once")
	fl.StringVar(&f.progress, "progress", "auto", "auto (bars on a terminal, lines otherwise), plain (a line per blob) or none")
	return cmd
}

func (g *globals) runCopy(ctx context.Context, src, dst string, f cpFlags) error {
	switch f.progress {
	case "auto", "plain", "none":
	default:
		return fmt.Errorf("--progress %q: use auto, plain or none", f.progress)
	}
	if f.jobs < 1 || f.jobs > 64 {
		return fmt.Errorf("--jobs %d: use 1 to 64", f.jobs)
	}
	var plats []model.Platform
	for _, s := range f.platforms {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := model.ParsePlatform(s)
		if err != nil {
			return fmt.Errorf("--platform %q: %w", s, err)
		}
		plats = append(plats, p)
	}
	c, err := g.client()
	if err != nil {
		return err
	}
	plan, err := verbs.PlanCopy(ctx, c, src, dst, verbs.CopyOptions{Platforms: plats, Jobs: f.jobs, Referrers: f.referrers})
	if err != nil {
		return err
	}
	printCopyPlan(g.stdout, plan)
	if f.dryRun {
		return nil
	}
	if plan.TargetCurrent == plan.Digest && allThere(plan) {
		fmt.Fprintf(g.stdout, "nothing to copy: %s already points at %s\n", termsafe.String(plan.Target), plan.Digest)
		return nil
	}
	if !f.yes {
		if !editIsTTY() {
			return fmt.Errorf("not copied: confirm on a terminal or pass --yes")
		}
		if !editConfirm(g, "copy?") {
			return fmt.Errorf("not copied")
		}
	}
	run := func(ctx context.Context, progress func(verbs.CopyEvent)) (*verbs.CopyResult, error) {
		return verbs.Copy(ctx, c, plan, f.jobs, progress)
	}
	var res *verbs.CopyResult
	switch {
	case f.progress == "none":
		res, err = run(ctx, nil)
	case f.progress == "auto" && writerIsTerminal(g.stderr):
		res, err = progress.RunCopyProgress(ctx, g.stderr, plan, run)
	default:
		res, err = run(ctx, plainCopyProgress(g.stderr))
	}
	if err != nil {
		return fmt.Errorf("copy to %s: %w (run the same command again: what was copied is skipped)", termsafe.String(plan.Target), err)
	}
	fmt.Fprintf(g.stdout, "copied %s to %s: %d blobs copied (%s), %d mounted, %d already there; %d manifests written\n",
		termsafe.String(plan.Source), termsafe.String(plan.Target), res.Copied, humanSize(res.BytesCopied), res.Mounted, res.Skipped, res.ManifestsWritten+1)
	fmt.Fprintf(g.stdout, "%s@%s\n", termsafe.String(plan.TargetRepo), res.Digest)
	return nil
}

func allThere(p *verbs.CopyPlan) bool {
	t := p.Totals()
	return t.Copy == 0 && t.Mount == 0 && t.ManifestsExist == t.Manifests
}

func writerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// plainCopyProgress prints a line per finished blob and manifest.
func plainCopyProgress(w io.Writer) func(verbs.CopyEvent) {
	return func(ev verbs.CopyEvent) {
		switch ev.Kind {
		case verbs.BlobDone:
			if ev.Action == verbs.BlobMount {
				fmt.Fprintf(w, "mounted %s (%s)\n", ev.Digest, humanSize(ev.Size))
			} else {
				fmt.Fprintf(w, "copied  %s (%s)\n", ev.Digest, humanSize(ev.Bytes))
			}
		case verbs.ManifestWritten:
			fmt.Fprintf(w, "wrote   %s\n", termsafe.String(ev.Ref))
		case verbs.IndexWritten:
			fmt.Fprintf(w, "tagged  %s → %s\n", termsafe.String(ev.Ref), ev.Digest)
		}
	}
}

// printCopyPlan shows what a copy will do (verbs.CopyPlan.Describe: the
// TUI's copy pane shows the same lines).
func printCopyPlan(w io.Writer, p *verbs.CopyPlan) {
	for _, l := range p.Describe() {
		fmt.Fprintln(w, l)
	}
}
