# The database of schema 8 that TestSchema8IsMigrated opens, made by this script run in this
# folder with qunshen at commit d0682fa, the last of schema 8 (`go build -o qunshen .` there,
# Q=./qunshen): qunshen.db here is a/qunshen.db after the last line (compact), and state.json is
# what that qunshen read from it (every post, group, member, violation, application,
# rectification and operator, and the counts, as JSON: schema6Dump in
# storage/schema6_test.go, run by that qunshen's tests). The same steps as testdata/schema6.
set -e
Q=${Q:-qunshen}
A="--db a/qunshen.db"; B="--db b/qunshen.db"; C="--db c/qunshen.db"
T=../../../internal/ingest/testdata
$Q $A init --name 王管理 --role admin --branch 第三党支部
$Q $B init --name 李书记 --role secretary --branch 第三党支部
$Q $C init --name 张管理 --role admin
$Q $A import queue1.jsonl
$Q $A import --as history $T/telegram/single.json
$Q $A import --skip-bad $T/wecom/archive.jsonl
$Q $A decide p1 approve
$Q $A decide p2 escalate
$Q $A decide p3 reject --reason '广告 <&> "x"'
$Q $A decide p4 changes --reason 请修改
$Q $A decide p5 approve
$Q $A decide p5 undo
$Q $A import queue2.jsonl
for m in a b c; do $Q --db $m/qunshen.db key export -o $m.key; done
$Q $A trust b.key --yes; $Q $A trust c.key --yes
$Q $B trust a.key --yes; $Q $B trust c.key --yes
$Q $C trust a.key --yes; $Q $C trust b.key --yes
$Q $A sync export -o a1.qsb
$Q $B sync import a1.qsb; $Q $C sync import a1.qsb
$Q $B decide p2 signoff
$Q $C decide p7 reject --reason 不同意
$Q $C decide p8 approve
$Q $A decide p7 approve
$Q $A decide p8 reject --reason 有误
$Q $B sync export -o b1.qsb; $Q $C sync export -o c1.qsb
$Q $A sync import b1.qsb c1.qsb
$Q $A decide p8 approve
$Q $A status
$Q $A verify
$Q $A compact
