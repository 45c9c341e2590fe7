package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

func init() { subcommands = append(subcommands, newTagCmd) }

func newTagCmd(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "tag SRC DST",
		Short: "Point a tag at the manifest SRC points at, bytes unchanged",
		Long: `tag makes DST point at exactly the manifest SRC points at: the same bytes and
so the same digest, without re-wrapping (docker tag + push would rebuild a
list). DST is a full reference or just a tag name in SRC's repository. When
DST is in another repository, the manifest and its children are copied there
first, mounting blobs within a registry. When DST is on another registry, tag
is cp without filtering: it shows the same plan and asks the same question
(or takes --yes) before any blob moves.`,
		Example: `  manifold tag localhost:5000/app:v1.2.3 latest
  manifold tag localhost:5000/app@sha256:3f5a… localhost:5000/app:stable
  manifold tag localhost:5000/app:v1 localhost:5000/mirror/app:v1`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			src, dst := args[0], args[1]
			if !strings.ContainsAny(dst, "/:@") {
				r, err := c.ParseReference(src)
				if err != nil {
					return err
				}
				dst = r.Context().Name() + ":" + dst
			}
			if sr, err := c.ParseReference(src); err == nil {
				if dr, err := c.ParseReference(dst); err == nil && sr.Context().RegistryStr() != dr.Context().RegistryStr() {
					return g.runCopy(cmd.Context(), src, dst, cpFlags{yes: yes, jobs: 4, progress: "auto"})
				}
			}
			d, err := c.Retag(cmd.Context(), src, dst)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s@%s\n", termsafe.String(dst), d)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask before copying to another registry")
	return cmd
}
