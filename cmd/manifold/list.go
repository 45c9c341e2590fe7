package main

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newReposCmd, newTagsCmd) }

func newReposCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "repos REGISTRY",
		Short: "List the repositories of a registry, one a line",
		Long: `repos lists the repositories of a registry (its _catalog), one name a line,
in the registry's order, printing each page as it arrives and following the
registry's pagination to the end.

_catalog is not part of the OCI distribution spec: Docker Hub, GHCR and
others do not serve it. For those, repos exits 1 and says so; give a
repository by name to the other commands instead.`,
		Example: `  manifold repos localhost:5000
  manifold repos registry.example.com | grep ^team/
  manifold repos localhost:5000 | while read r; do manifold tags "localhost:5000/$r"; done`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			w := bufio.NewWriter(g.stdout)
			err = c.Repositories(cmd.Context(), args[0], func(p registry.Page) error {
				return writeNames(w, p.Names)
			})
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
}

func newTagsCmd(g *globals) *cobra.Command {
	var sortBy string
	cmd := &cobra.Command{
		Use:   "tags REPO",
		Short: "List the tags of a repository, one a line",
		Long: `tags lists the tags of a repository, one a line, following the registry's
pagination to the end.

By default tags come in the registry's order and each page is printed as it
arrives, so a pipe sees the first tags at once (distribution returns them
sorted by name; some registries, such as distribution 2.8, do not sort).
--sort reads every page first, then prints:
  name    byte order, as sort(1) with LC_ALL=C
  semver  version order, oldest first, as sort -V: 1.9 before 1.10,
          1.2.0-rc.1 before 1.2.0, a leading v ignored; tags that are not
          versions (latest, main) come first, by name`,
		Example: `  manifold tags localhost:5000/app
  manifold tags localhost:5000/app --sort semver | tail -n 1
  manifold tags docker.io/library/alpine --sort name`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var less func(a, b string) bool
			switch sortBy {
			case "", "none":
			case "name":
				less = func(a, b string) bool { return a < b }
			case "semver":
				less = versionLess
			default:
				return &exitError{code: 1, msg: "unknown --sort " + strconv.Quote(sortBy) + ": use none, name or semver"}
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			w := bufio.NewWriter(g.stdout)
			var all []string
			err = c.Tags(cmd.Context(), args[0], func(p registry.Page) error {
				if less != nil {
					all = append(all, p.Names...)
					return nil
				}
				return writeNames(w, p.Names)
			})
			if err == nil && less != nil {
				sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
				err = writeNames(w, all)
			}
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&sortBy, "sort", "none", "order: none (registry order, streamed), name or semver")
	return cmd
}

// writeNames writes one terminal-safe name a line and flushes, so each page
// reaches a pipe as soon as it arrived.
func writeNames(w *bufio.Writer, names []string) error {
	for _, n := range names {
		if _, err := io.WriteString(w, termsafe.String(n)+"\n"); err != nil {
			return err
		}
	}
	return w.Flush()
}

// tagVersion is a tag read as a version: v1.2.3-rc.1 → [1 2 3], "-rc.1".
type tagVersion struct {
	nums []uint64
	rest string
}

func parseTagVersion(tag string) (tagVersion, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "v"), "V")
	var v tagVersion
	for {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			break
		}
		n, err := strconv.ParseUint(s[:i], 10, 64)
		if err != nil {
			return tagVersion{}, false
		}
		v.nums = append(v.nums, n)
		s = s[i:]
		if len(s) > 1 && s[0] == '.' && s[1] >= '0' && s[1] <= '9' {
			s = s[1:]
			continue
		}
		break
	}
	v.rest = s
	return v, len(v.nums) > 0
}

// versionLess orders tags as sort -V would, oldest first; non-versions
// first, by name.
func versionLess(a, b string) bool {
	va, oka := parseTagVersion(a)
	vb, okb := parseTagVersion(b)
	if oka != okb {
		return !oka
	}
	if !oka {
		return a < b
	}
	for i := 0; i < len(va.nums) || i < len(vb.nums); i++ {
		if i >= len(va.nums) {
			return true // 1.2 before 1.2.1
		}
		if i >= len(vb.nums) {
			return false
		}
		if va.nums[i] != vb.nums[i] {
			return va.nums[i] < vb.nums[i]
		}
	}
	// Same numbers: pre-releases and suffixed variants before the release.
	if (va.rest == "") != (vb.rest == "") {
		return va.rest != ""
	}
	if va.rest != vb.rest {
		return va.rest < vb.rest
	}
	return a < b
}
