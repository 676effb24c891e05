package i18n

// What the store (storage) tells about the database file itself.
func init() {
	add(map[string][2]string{
		"storage.damaged": {
			"数据库 %[1]s 已损坏（%[2]v）：未作任何改动，也不据此作答。请用 qunshen verify 查看损坏之处，再用 qunshen restore 备份文件 从备份恢复（见 docs/care.md）",
			"the database %[1]s is damaged (%[2]v): nothing was changed, and nothing is answered from it. Run qunshen verify to see the damage, then qunshen restore BACKUP to restore a backup (see docs/care.md)",
		},
		"storage.import.not-undone": {
			"这次导入还未能撤销（%[1]v）：qunshen 下次打开 %[2]s 时会先撤销它",
			"the import could not be rolled back yet (%[1]v): qunshen rolls it back when it next opens %[2]s",
		},
		"storage.undo.failed": {"撤销一次未完成的导入时出错：%v", "rolling back an import that did not finish: %v"},
	})
}
