// etcdutl, built from etcd's official etcdutl module (see scripts/provide-etcd.sh).
// The module's own main package cannot be imported, so the root command is
// assembled here from the commands the module exports, with upstream's flags.
package main

import (
	"github.com/spf13/cobra"

	"go.etcd.io/etcd/etcdutl/v3/etcdutl"
	"go.etcd.io/etcd/pkg/v3/cobrautl"
)

var rootCmd = &cobra.Command{Use: "etcdutl", Short: "An administrative command line tool for etcd3."}

// extraFlags is filled by version-specific files (flags newer minors added).
var extraFlags []func(*cobra.Command)

func main() {
	rootCmd.PersistentFlags().StringVarP(&etcdutl.OutputFormat, "write-out", "w", "simple", "set the output format (fields, json, protobuf, simple, table)")
	for _, add := range extraFlags {
		add(rootCmd)
	}
	rootCmd.AddCommand(
		etcdutl.NewDefragCommand(),
		etcdutl.NewSnapshotCommand(),
		etcdutl.NewHashKVCommand(),
		etcdutl.NewVersionCommand(),
		etcdutl.NewCompletionCommand(),
		etcdutl.NewMigrateCommand(),
	)
	cobra.EnablePrefixMatching = true
	rootCmd.SetHelpTemplate(`{{.UsageString}}`)
	if err := rootCmd.Execute(); err != nil {
		cobrautl.ExitWithError(cobrautl.ExitError, err)
	}
}
