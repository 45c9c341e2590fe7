package main

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newReposCmd, newTagsCmd) }

// repoRow is one repository of `repos --format`.
type repoRow struct {
	Name       string `json:"name"`       // the path in the registry
	Registry   string `json:"registry"`   // as given
	Repository string `json:"repository"` // registry/name
}

// tagRow is one tag of `tags --format`.
type tagRow struct {
	Name       string `json:"name"`
	Repository string `json:"repository"`
	Reference  string `json:"reference"` // repository:name
}

// namesOut writes pages of names: one a line, or through --format (json
// and templates streamed page by page, a table template once at the end
// so its columns line up).
type namesOut struct {
	w    *bufio.Writer
	ff   *formatFlag
	row  func(name string) any
	held []any
}

func (o *namesOut) write(names []string) error {
	if !o.ff.custom() {
		return writeNames(o.w, names)
	}
	rows := make([]any, len(names))
	for i, n := range names {
		rows[i] = o.row(n)
	}
	if o.ff.spec.Kind == fmtpkg.TableTemplate {
		o.held = append(o.held, rows...)
		return nil
	}
	if err := o.ff.spec.Rows(o.w, rows); err != nil {
		return err
	}
	return o.w.Flush()
}

func (o *namesOut) flush() error {
	if len(o.held) > 0 || (o.ff.custom() && o.ff.spec.Kind == fmtpkg.TableTemplate) {
		if err := o.ff.spec.Rows(o.w, o.held); err != nil {
			return err
		}
	}
	return o.w.Flush()
}

func newReposCmd(g *globals) *cobra.Command {
	var ff *formatFlag
	cmd := &cobra.Command{
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
  manifold repos localhost:5000 | while read r; do manifold tags "localhost:5000/$r"; done
  manifold repos localhost:5000 --format '{{.repository}}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ff.parse("", ""); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			out := &namesOut{w: bufio.NewWriter(g.stdout), ff: ff, row: func(n string) any {
				return repoRow{Name: n, Registry: args[0], Repository: strings.TrimSuffix(args[0], "/") + "/" + n}
			}}
			err = c.Repositories(cmd.Context(), args[0], func(p registry.Page) error {
				return out.write(p.Names)
			})
			if ferr := out.flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	ff = addFormatFlag(cmd, "one row a repository: "+fmtpkg.Fields(repoRow{}))
	return cmd
}

func newTagsCmd(g *globals) *cobra.Command {
	var sortBy string
	var ff *formatFlag
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
  manifold tags docker.io/library/alpine --sort name
  manifold tags localhost:5000/app --format '{{.reference}}' | xargs -n1 manifold platforms`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ff.parse("", ""); err != nil {
				return err
			}
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
			out := &namesOut{w: bufio.NewWriter(g.stdout), ff: ff, row: func(n string) any {
				return tagRow{Name: n, Repository: args[0], Reference: args[0] + ":" + n}
			}}
			var all []string
			err = c.Tags(cmd.Context(), args[0], func(p registry.Page) error {
				if less != nil {
					all = append(all, p.Names...)
					return nil
				}
				return out.write(p.Names)
			})
			if err == nil && less != nil {
				sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
				err = out.write(all)
			}
			if ferr := out.flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&sortBy, "sort", "none", "order: none (registry order, streamed), name or semver")
	ff = addFormatFlag(cmd, "one row a tag: "+fmtpkg.Fields(tagRow{}))
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
