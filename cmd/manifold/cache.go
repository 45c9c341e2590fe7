package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

func init() { subcommands = append(subcommands, newCacheCmd) }

func newCacheCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or prune the content cache",
		Long: `manifold caches manifests and configs it fetched by digest, so a tag that has
not moved costs one request. The cache is bounded (cache.size in the config
file, 512 MiB by default): past it, the entries used longest ago are removed.
Entries are verified on every read, so removing one only means fetching it
again.`,
		Example: `  manifold cache info
  manifold cache prune
  manifold cache prune --all`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCacheInfoCmd(g), newCachePruneCmd(g))
	return cmd
}

func newCacheInfoCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "info",
		Short:   "Show where the cache is, what it holds and its limit",
		Example: `  manifold cache info`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			st, err := c.CacheStats()
			if err != nil {
				return fmt.Errorf("read the cache: %w", err)
			}
			if st.Dir == "" {
				fmt.Fprintln(g.stdout, "no cache: there is no user cache directory")
				return nil
			}
			fmt.Fprintf(g.stdout, "directory  %s\nentries    %d\nsize       %s (%d bytes)\nlimit      %s\n",
				termsafe.String(st.Dir), st.Entries, humanSize(st.Bytes), st.Bytes, cacheLimit(st.Limit))
			return nil
		},
	}
}

func newCachePruneCmd(g *globals) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the entries used longest ago until the cache is within its limit",
		Long: `prune removes the cache entries used longest ago until the cache is within its
limit (manifold also does this on its own whenever the cache grows past it).
--all empties the cache.`,
		Example: `  manifold cache prune
  manifold cache prune --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			removed, freed, err := c.PruneCache(all)
			if err != nil {
				return fmt.Errorf("prune the cache: %w", err)
			}
			st, err := c.CacheStats()
			if err != nil {
				return fmt.Errorf("read the cache: %w", err)
			}
			fmt.Fprintf(g.stdout, "removed %d entries (%s); the cache holds %s, limit %s\n",
				removed, humanSize(freed), humanSize(st.Bytes), cacheLimit(st.Limit))
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every entry")
	return cmd
}

func cacheLimit(n int64) string {
	if n < 0 {
		return "none"
	}
	if n == 0 {
		n = registry.DefaultCacheBytes
	}
	return fmt.Sprintf("%s (%d bytes)", humanSize(n), n)
}
