package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newStagedCmd) }

// editStdin and editIsTTY are where confirmations are read from; tests
// replace them.
var (
	editStdin io.Reader = os.Stdin
	editIsTTY           = func() bool { return stdinIsTerminal(os.Stdin) }
)

// stdinIsTerminal reports whether f is a terminal. A character device is
// not enough: /dev/null is one, and a script run with </dev/null must get
// "pass --yes", not a question nobody can answer.
func stdinIsTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(f.Fd())
}

// editConfirm asks a yes/no question on a terminal. Without a terminal it
// answers no, so scripts must say --yes.
func editConfirm(g *globals, question string) bool {
	if !editIsTTY() {
		return false
	}
	fmt.Fprintf(g.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(editStdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func openStageStore() (*stagestore.Store, error) {
	return stagestore.Open()
}

// stageEnv opens the staged-list store and the registry client, which every
// command that names a staged list needs.
func (g *globals) stageEnv() (*stagestore.Store, *registry.Client, error) {
	st, err := openStageStore()
	if err != nil {
		return nil, nil, err
	}
	c, err := g.client()
	if err != nil {
		return nil, nil, err
	}
	return st, c, nil
}

// loadStaged finds a staged list by its name as given, or by the normalised
// reference it was created for.
func loadStaged(st *stagestore.Store, c *registry.Client, arg string) (*model.StagedList, error) {
	l, _, err := loadStagedRev(st, c, arg)
	return l, err
}

// loadStagedRev is loadStaged with the revision read, for a change saved
// later only if nobody else changed the list (SaveIf, DiscardIf).
func loadStagedRev(st *stagestore.Store, c *registry.Client, arg string) (*model.StagedList, int64, error) {
	l, rev, err := st.LoadRev(arg)
	if err == nil || !errors.Is(err, stagestore.ErrNotFound) {
		return l, rev, err
	}
	if c != nil {
		if r, perr := c.ParseReference(arg); perr == nil && r.Name() != arg {
			if l, rev, err2 := st.LoadRev(r.Name()); err2 == nil {
				return l, rev, nil
			}
		}
	}
	return nil, 0, fmt.Errorf("%w (see manifold staged ls)", err)
}

// stagedKey returns the store name of a list given as LIST, the same way
// loadStaged finds it.
func stagedKey(st *stagestore.Store, c *registry.Client, arg string) (string, error) {
	l, err := loadStaged(st, c, arg)
	if err != nil {
		return "", err
	}
	return l.Name, nil
}

func printFindings(w io.Writer, fs []model.Finding) {
	for _, f := range fs {
		fmt.Fprintln(w, termsafe.String(f.String()))
	}
}

func printDiff(w io.Writer, d model.ListDiff) {
	for _, line := range d.Lines() {
		fmt.Fprintln(w, "  "+termsafe.String(line))
	}
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// printStaged writes a staged list as a table of its entries.
func printStaged(w io.Writer, l *model.StagedList) {
	fmt.Fprintf(w, "%s → %s (%s", termsafe.String(l.Name), termsafe.String(l.Target), mediaTypeLabel(l))
	if l.Base != "" {
		fmt.Fprintf(w, ", amends %s", shortDigest(l.Base))
	} else {
		fmt.Fprint(w, ", new tag")
	}
	fmt.Fprintln(w, ")")
	for _, k := range slices.Sorted(maps.Keys(l.Annotations)) {
		fmt.Fprintf(w, "  index annotation %s=%s\n", termsafe.String(k), termsafe.String(l.Annotations[k]))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPLATFORM\tDIGEST\tSOURCE\tNOTES")
	for i, e := range l.Entries {
		var notes []string
		if e.IsAttestation() {
			notes = append(notes, "attestation of "+shortDigest(e.Annotations[model.AnnotationReferenceDigest]))
		} else {
			for _, k := range slices.Sorted(maps.Keys(e.Annotations)) {
				notes = append(notes, k+"="+e.Annotations[k])
			}
		}
		if e.ConfigPlatform != nil && e.Platform != nil && e.ConfigPlatform.String() != e.Platform.String() && !e.IsAttestation() {
			notes = append(notes, "config says "+e.ConfigPlatform.String())
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, termsafe.String(e.PlatformString()), shortDigest(e.Digest),
			termsafe.String(e.Source), termsafe.String(strings.Join(notes, "; ")))
	}
	tw.Flush()
}

func mediaTypeLabel(l *model.StagedList) string {
	mt := "Docker list"
	if l.EffectiveMediaType() == model.MediaTypeOCIIndex {
		mt = "OCI index"
	}
	if l.MediaType == "" {
		mt += ", chosen automatically"
	}
	return mt
}

func newStagedCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staged [ls|show|rm|mv|rebase]",
		Short: "List, show, rename and discard staged lists",
		Long: `Staged lists are manifest lists being put together with create and annotate,
saved under $XDG_DATA_HOME/manifold/staged (or ~/.local/share/manifold/staged;
%AppData%\manifold\staged on Windows; MANIFOLD_DATA_DIR overrides; manifold
info shows where) as soon as they change. They stay until pushed
with --purge or discarded with rm.`,
		Example: `  manifold staged
  manifold staged show localhost:5000/app:v1
  manifold staged show localhost:5000/app:v1 --diff
  manifold staged mv localhost:5000/app:v1 app-release
  manifold staged rm app-release`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return stagedList(g) },
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "ls",
		Short:   "List staged lists",
		Example: "  manifold staged ls",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return stagedList(g) },
	})
	var showJSON, showDiff bool
	show := &cobra.Command{
		Use:   "show LIST",
		Short: "Show a staged list's entries and what validation finds",
		Example: `  manifold staged show localhost:5000/app:v1
  manifold staged show localhost:5000/app:v1 --diff   # compare with the tag now
  manifold staged show localhost:5000/app:v1 --json   # the bytes push would write`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, c, err := g.stageEnv()
			if err != nil {
				return err
			}
			l, err := loadStaged(st, c, args[0])
			if err != nil {
				return err
			}
			if showJSON {
				raw, _, err := l.Render()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(g.stdout, "%s\n", raw)
				return err
			}
			printStaged(g.stdout, l)
			printFindings(g.stdout, l.Validate())
			if showDiff {
				cmp, err := verbs.Compare(cmd.Context(), c, l)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "diff against %s now:\n", termsafe.String(l.Target))
				printDiff(g.stdout, cmp.Diff)
			}
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the index exactly as push would write it")
	show.Flags().BoolVar(&showDiff, "diff", false, "fetch the target tag and show what pushing would change")
	cmd.AddCommand(show)
	cmd.AddCommand(&cobra.Command{
		Use:     "rm LIST...",
		Aliases: []string{"discard"},
		Short:   "Discard staged lists (nothing in a registry changes)",
		Example: "  manifold staged rm localhost:5000/app:v1",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, c, err := g.stageEnv()
			if err != nil {
				return err
			}
			for _, a := range args {
				key, err := stagedKey(st, c, a)
				if err != nil {
					return err
				}
				if err := st.Discard(key); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "discarded %s\n", termsafe.String(key))
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "rebase LIST",
		Short: "Start a staged list again from what its tag holds now, keeping your changes",
		Long: `rebase is the way on after a push stopped because the tag moved. It reads what
the target tag holds now and the index the list was staged from, and starts
the list again from the tag, carrying over what you changed: the platforms
and annotations you edited on entries the tag still has, the entries you
added, the entries you removed, the index annotations you set. Entries that
someone removed from the tag since are dropped. It prints what it did and
the diff against the tag, and the list then amends what the tag holds now,
so push goes ahead.`,
		Example: `  manifold staged rebase localhost:5000/app:v1
  manifold push localhost:5000/app:v1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return stagedRebase(cmd, g, args[0]) },
	})
	cmd.AddCommand(&cobra.Command{
		Use:     "mv LIST NEWNAME",
		Aliases: []string{"rename"},
		Short:   "Rename a staged list (its target stays)",
		Example: "  manifold staged mv localhost:5000/app:v1 release-candidate",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, c, err := g.stageEnv()
			if err != nil {
				return err
			}
			key, err := stagedKey(st, c, args[0])
			if err != nil {
				return err
			}
			if err := st.Rename(key, args[1]); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "renamed %s to %s\n", termsafe.String(key), termsafe.String(args[1]))
			return nil
		},
	})
	return cmd
}

func stagedList(g *globals) error {
	st, err := openStageStore()
	if err != nil {
		return err
	}
	ls, err := st.List()
	if err != nil {
		return err
	}
	if len(ls) == 0 {
		fmt.Fprintln(g.stderr, "no staged lists: start one with manifold create LIST IMAGE...")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTARGET\tENTRIES\tUPDATED")
	for _, s := range ls {
		if s.Err != nil {
			fmt.Fprintf(tw, "%s\t(unreadable: %s)\t\t\n", termsafe.String(s.Name), termsafe.String(s.Err.Error()))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", termsafe.String(s.Name), termsafe.String(s.Target), s.Entries, s.Updated.Local().Format(time.DateTime))
	}
	return tw.Flush()
}

// stagedRebase starts a staged list again from what its tag holds now
// (verbs.Rebase, over the network), then saves it only over the revision
// it read; a list changed meanwhile is rebased again.
func stagedRebase(cmd *cobra.Command, g *globals, arg string) error {
	st, c, err := g.stageEnv()
	if err != nil {
		return err
	}
	var rb *verbs.Rebased
	for attempt := 0; ; attempt++ {
		l, rev, err := loadStagedRev(st, c, arg)
		if err != nil {
			return err
		}
		if rb, err = verbs.Rebase(cmd.Context(), c, l); err != nil {
			return err
		}
		_, err = st.SaveIf(rb.List, rev)
		if errors.Is(err, stagestore.ErrChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	l := rb.List
	now := "nothing (a new tag)"
	if rb.Now.Exists() {
		now = rb.Now.Digest
	}
	fmt.Fprintf(g.stdout, "rebased %s on what %s holds now (%s): %s\n", termsafe.String(l.Name), termsafe.String(l.Target), now, plural(len(l.Entries), "entry", "entries"))
	report := func(what string, es []model.StagedEntry) {
		for _, e := range es {
			fmt.Fprintf(g.stdout, "  %s %s %s\n", what, termsafe.String(e.PlatformString()), shortDigest(e.Digest))
		}
	}
	report("kept your edit of", rb.Edited)
	report("kept your added", rb.Added)
	report("kept your removal of", rb.Removed)
	report("dropped (removed from the tag since)", rb.Dropped)
	if !rb.BaseRead && l.Base != "" {
		fmt.Fprintln(g.stdout, "  the index the list was staged from could not be read: every entry of yours that the tag lacks is kept")
	}
	fmt.Fprintf(g.stdout, "diff against %s now (what push would change):\n", termsafe.String(l.Target))
	printDiff(g.stdout, rb.Diff)
	printFindings(g.stderr, l.Validate())
	fmt.Fprintf(g.stdout, "push it with: manifold push %s\n", termsafe.String(l.Name))
	return nil
}
