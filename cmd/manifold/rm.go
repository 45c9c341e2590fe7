package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
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
			r, err := c.ParseReference(ref)
			if err != nil {
				return err
			}
			m, err := c.Head(cmd.Context(), ref)
			if errors.Is(err, registry.ErrNotFound) {
				return fmt.Errorf("%s: not found in the registry (manifold staged rm discards a staged list)", termsafe.String(ref))
			}
			if err != nil {
				return err
			}
			d := m.Digest
			if !yes {
				// Name exactly what goes, in the registry, before asking.
				fmt.Fprintf(g.stderr, "this deletes from the registry %s:\n  %s@%s (%s, %d bytes)\n  and every tag of %s that points at it; lists that refer to it are left dangling\n",
					termsafe.String(r.Context().RegistryStr()), termsafe.String(r.Context().Name()), d, termsafe.String(model.MediaTypeName(m.MediaType)), m.Size, termsafe.String(r.Context().Name()))
				if st, err := openStageStore(); err == nil {
					if _, err := loadStaged(st, c, ref); err == nil {
						fmt.Fprintf(g.stderr, "a staged list %s is kept: it is local, and manifold staged rm discards it\n", termsafe.String(r.Name()))
					}
				}
				if !editConfirm(g, "delete "+termsafe.String(ref)+" from the registry? (manifold staged rm discards a local list instead)") {
					if !editIsTTY() {
						return fmt.Errorf("not deleted: confirm on a terminal or pass --yes")
					}
					return fmt.Errorf("not deleted")
				}
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
