import sys,re,collections
rows=[];cur=None
for line in open(sys.argv[1]):
    t=line.split()
    if not t: continue
    if t[0]=='IMAGE': cur={'name':t[1],'ph':[]}; rows.append(cur)
    elif t[0]=='FILTER': pend=dict(collapse_in=int(t[2]),conn=int(t[4]),geom=int(t[6]),cluster=int(t[8]))
    elif t[0]=='STAGES':
        d={t[i]:float(t[i+1]) for i in range(1,len(t),2)}; d.update(pend); cur['ph'].append(d)
    elif t[0]=='FINAL': cur['final']=int(t[1])
keys=['cn','edge','clear','ringhit','runoff','cand','conn','geom','cluster','out']
def fmt(r):
    p=r['ph'][0]
    return f"{r['name']:18s} final {r['final']:3d} | ph1 "+' '.join(f"{k} {int(p.get(k,0))}" for k in keys)+f" | inner {int(p['inner_blocks'])}/{int(p['mask_blocks'])} T {p['period']}"
mode=sys.argv[2] if len(sys.argv)>2 else 'sparse'
if mode=='sparse':
    for r in rows:
        if r['final']<20: print(fmt(r))
elif mode=='grep':
    for r in rows:
        if re.search(sys.argv[3],r['name']): print(fmt(r))
elif mode=='sum':
    agg=collections.defaultdict(lambda: collections.Counter())
    for r in rows:
        s=r['name'].split('/')[0]
        grp='sparse' if r['final']<20 else 'all'
        for g in ([s,'ALL'] + ([s+'<20','ALL<20'] if r['final']<20 else [])):
            agg[g]['n']+=1
            for k in keys: agg[g][k]+=r['ph'][0].get(k,0)
            agg[g]['final']+=r['final']
    for g,c in sorted(agg.items()):
        n=c['n']; print(f"{g:16s} n {n:3d} "+' '.join(f"{k} {c[k]/n:.1f}" for k in keys)+f" final {c['final']/n:.1f}")
