package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

func init() { subcommands = append(subcommands, newRmCmd) }

func newRmCmd(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "rm REF",
		Short: "Delete a manifest from a registry, where the registry allows it",
		Long: `rm deletes the manifest REF points at. A tag is resolved to its digest first
(distribution cannot delete by tag), so every tag pointing at that manifest
goes with it, and lists that refer to it are left dangling. It asks first on
a terminal; scripts must pass --yes. To discard a staged list, use
manifold staged rm.`,
		Example: `  manifold rm localhost:5000/app:old
  manifold rm localhost:5000/app@sha256:3f5a… --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			ref := args[0]
			d, err := c.HeadDigest(cmd.Context(), ref)
			if err != nil {
				return err
			}
			if d == "" {
				return fmt.Errorf("%s: not found", termsafe.String(ref))
			}
			if !yes {
				fmt.Fprintf(g.stderr, "this deletes manifest %s and every tag that points at it\n", d)
				if !editConfirm(g, "delete "+termsafe.String(ref)+"?") {
					return fmt.Errorf("not deleted: confirm on a terminal or pass --yes")
				}
			}
			r, err := c.ParseReference(ref)
			if err != nil {
				return err
			}
			// Delete exactly what was confirmed, even if the tag moves.
			gone, err := c.Delete(cmd.Context(), r.Context().Digest(d).Name())
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "deleted %s\n", gone)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask")
	return cmd
}
