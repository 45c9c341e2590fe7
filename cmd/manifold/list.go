package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
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
			if err := repositoryOnly(args[0]); err != nil {
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
	ff = addFormatFlag(cmd, func() string {
		return "one row a repository: " + fmtpkg.Fields(repoRow{})
	})
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
  name     byte order, as sort(1) with LC_ALL=C
  version  newest version first, the order of the browser's s key: 1.10
           before 1.9, 2.0.0 before 2.0.0-rc.1 (a release before its
           pre-releases and suffixed variants), a leading v ignored; tags
           that are not versions (latest, main) after, by name ("semver" is
           accepted for version)`,
		Example: `  manifold tags localhost:5000/app
  manifold tags localhost:5000/app --sort version | head -n 1
  manifold tags docker.io/library/alpine --sort name
  manifold tags localhost:5000/app --format '{{.reference}}' | xargs -n1 manifold platforms`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ff.parse("", ""); err != nil {
				return err
			}
			var sorted *model.SortedNames
			switch sortBy {
			case "", "none":
			case "name":
				sorted = model.NewSortedNames(model.ByName)
			case "version", "semver":
				sorted = model.NewSortedNames(model.ByVersion)
			default:
				return &exitError{code: 1, msg: "unknown --sort " + strconv.Quote(sortBy) + ": use none, name or version"}
			}
			if err := repositoryOnly(args[0]); err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			out := &namesOut{w: bufio.NewWriter(g.stdout), ff: ff, row: func(n string) any {
				return tagRow{Name: n, Repository: args[0], Reference: args[0] + ":" + n}
			}}
			err = c.Tags(cmd.Context(), args[0], func(p registry.Page) error {
				if sorted != nil {
					sorted.Add(p.Names)
					return nil
				}
				return out.write(p.Names)
			})
			if err == nil && sorted != nil {
				err = out.write(sorted.Names())
			}
			if ferr := out.flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	cmd.Flags().StringVar(&sortBy, "sort", "none", "order: none (registry order, streamed), name or version (newest first)")
	ff = addFormatFlag(cmd, func() string {
		return "one row a tag: " + fmtpkg.Fields(tagRow{})
	})
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

// repositoryOnly refuses a reference where a repository is wanted (tags
// REPO:TAG), saying what to give instead.
func repositoryOnly(arg string) error {
	repo := arg
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		return fmt.Errorf("give a repository, without @DIGEST: manifold tags %s", termsafe.String(repo[:i]))
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') && strings.Contains(repo, "/") {
		return fmt.Errorf("give a repository, without :%s: manifold tags %s", termsafe.String(repo[i+1:]), termsafe.String(repo[:i]))
	}
	if i := strings.IndexByte(repo, ':'); i >= 0 && !strings.Contains(repo, "/") && !strings.Contains(repo[:i], ".") && repo[:i] != "localhost" {
		return fmt.Errorf("give a repository, without :%s: manifold tags %s", termsafe.String(repo[i+1:]), termsafe.String(repo[:i]))
	}
	return nil
}
