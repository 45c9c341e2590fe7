package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/model"
)

func init() { subcommands = append(subcommands, newExportCmd) }

func newExportCmd(g *globals) *cobra.Command {
	var (
		out  string
		tags []string
	)
	cmd := &cobra.Command{
		Use:   "export LIST",
		Short: "Write a staged list as a manifest-tool from-spec YAML file",
		Long: `export writes a staged list in the YAML format of manifest-tool's
"push from-spec", readable by manifest-tool and by manifold push --spec.
Images are pinned by digest and every platform is written out in full.
Attestation entries are left out (the format has no place for them).`,
		Example: `  manifold export localhost:5000/app:v1 > manifest.yaml
  manifold export localhost:5000/app:v1 --tag latest -o manifest.yaml
  manifold push --spec manifest.yaml`,
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
			raw, skipped, err := model.ExportSpec(l, tags)
			if err != nil {
				return err
			}
			if skipped > 0 {
				fmt.Fprintf(g.stderr, "left out %d attestation entries: the spec format cannot hold them\n", skipped)
			}
			if out == "" || out == "-" {
				_, err = g.stdout.Write(raw)
				return err
			}
			if err := os.WriteFile(out, raw, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().StringArrayVarP(&tags, "tag", "t", nil, "extra tag to put in the spec's tags (repeatable)")
	return cmd
}
