package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newHistoryCmd, newWatchCmd) }

// historyJSON is the JSON of `manifold history -o json`.
type historyJSON struct {
	Reference string          `json:"reference"`
	Seen      []model.TagSeen `json:"seen"` // newest first
}

func newHistoryCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "history REF",
		Short: "List the digests this machine saw a tag point at, and when",
		Long: `history lists, newest first, each digest manifold saw the tag point at
and when it first and last saw it there. The record is local: it grows each
time any manifold command or the TUI reads the tag (a GET or a HEAD), holds
at most 100 digests per tag, and lives in the content cache, so it is
evicted with it (manifold cache prune). It does not ask the registry: run
manifold inspect REF first to record what the tag holds now.`,
		Example: `  manifold history localhost:5000/app:latest
  manifold history localhost:5000/app:latest -o json | jq -r '.seen[0].digest'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, c, err := g.formatClient(output, formatTable, formatJSON)
			if err != nil {
				return err
			}
			seen, ref, err := c.TagHistory(args[0])
			if err != nil {
				return err
			}
			if strings.Contains(ref, "@") {
				return fmt.Errorf("%s is a digest: history is kept for tags", args[0])
			}
			newest := make([]model.TagSeen, 0, len(seen))
			for i := len(seen) - 1; i >= 0; i-- {
				newest = append(newest, seen[i])
			}
			if format == formatJSON {
				return writeJSON(g.stdout, historyJSON{Reference: ref, Seen: newest})
			}
			if len(newest) == 0 {
				_, err := fmt.Fprintf(g.stdout, "no history for %s on this machine yet: manifold inspect %s records what it holds now\n", termsafe.String(ref), termsafe.String(args[0]))
				return err
			}
			st := defaultTableStyles()
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s\n", st.header.Render("history"), termsafe.String(ref))
			b.WriteString(st.faint.Render(fmt.Sprintf("%-71s  %-20s  %s", "DIGEST", "FIRST SEEN", "LAST SEEN")) + "\n")
			for _, s := range newest {
				fmt.Fprintf(&b, "%-71s  %-20s  %s\n", termsafe.String(s.Digest), s.First.UTC().Format(time.RFC3339), s.Last.UTC().Format(time.RFC3339))
			}
			_, err = io.WriteString(colourWriter(g.stdout), b.String())
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

// moveJSON is one line of `manifold watch -o json`.
type moveJSON struct {
	Reference string         `json:"reference"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	At        time.Time      `json:"at"`
	Diff      *model.RefDiff `json:"diff,omitempty"`
	Error     string         `json:"error,omitempty"`
}

func newWatchCmd(g *globals) *cobra.Command {
	var (
		every     time.Duration
		exitAfter int
		output    string
	)
	cmd := &cobra.Command{
		Use:   "watch REF",
		Short: "Print a diff each time a tag moves",
		Long: `watch asks the registry what the tag points at every --every (a HEAD
request, which Docker Hub does not count as a pull) and, each time it
moves, prints when, the digests before and after, and the diff of the two
(as manifold diff does). A failed check is reported on stderr and the watch
goes on. It runs until interrupted, or until the tag moved --exit-after
times. Each sighting is added to the tag's history.`,
		Example: `  manifold watch localhost:5000/app:latest
  manifold watch localhost:5000/app:latest --every 5m -o json
  manifold watch localhost:5000/app:v1 --exit-after 1 && echo "v1 moved"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := parseFormat(output, formatTable, formatJSON)
			if err != nil {
				return err
			}
			if every <= 0 {
				return fmt.Errorf("--every %s: give a positive interval, e.g. 30s or 5m", every)
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			ref := args[0]
			moves := 0
			started := func(d string) error {
				at := d
				if d == "" {
					at = "nothing yet (the tag does not exist)"
				}
				_, err := fmt.Fprintf(g.stderr, "manifold: watching %s every %s; it points at %s\n", termsafe.String(ref), every, termsafe.String(at))
				return err
			}
			moved := func(m verbs.Move) error {
				if err := printMove(g.stdout, format, m); err != nil {
					return err
				}
				moves++
				if exitAfter > 0 && moves >= exitAfter {
					return verbs.ErrStopWatching
				}
				return nil
			}
			failed := func(err error) {
				fmt.Fprintln(g.stderr, "manifold: "+termsafe.String(err.Error())+" (still watching)")
			}
			err = verbs.Watch(cmd.Context(), c, ref, every, started, moved, failed)
			if errors.Is(err, verbs.ErrStopWatching) {
				return nil
			}
			return err
		},
	}
	cmd.Flags().DurationVar(&every, "every", 30*time.Second, "how often to ask the registry")
	cmd.Flags().IntVar(&exitAfter, "exit-after", 0, "stop after the tag moved this many times (0: run until interrupted)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, or json (one object a line)")
	return cmd
}

// printMove prints one move of watch.
func printMove(w io.Writer, format outputFormat, m verbs.Move) error {
	if format == formatJSON {
		mj := moveJSON{Reference: m.Ref, From: m.From, To: m.To, At: m.At.UTC(), Diff: m.Diff}
		if m.Err != nil {
			mj.Error = m.Err.Error()
		}
		return writeJSONLine(w, mj)
	}
	label := func(d string) string {
		if d == "" {
			return "(none)"
		}
		return d
	}
	if _, err := fmt.Fprintf(w, "%s %s moved: %s → %s\n", m.At.UTC().Format(time.RFC3339), termsafe.String(m.Ref), termsafe.String(label(m.From)), termsafe.String(label(m.To))); err != nil {
		return err
	}
	switch {
	case m.Err != nil:
		_, err := fmt.Fprintln(w, "  diff unavailable: "+termsafe.String(m.Err.Error()))
		return err
	case m.Diff != nil:
		if err := writeDiffTable(w, m.Diff); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}
