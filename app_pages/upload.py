"""Upload: add report files from the browser; each is saved under data/uploads and ingested."""
import os
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import streamlit as st

from govkg import config
from govkg.errors import GovkgError, InputError
from ingest.readers import SUFFIXES
from app_pages.common import clear_data, get_store, md, require_store, safe_filename

MAX_MB = 20
DATA_DIR = Path(os.environ.get("GOVKG_DATA") or config.DATA_DIR)
UPLOADS = DATA_DIR / "uploads"

st.title("上传 Upload")


def save_and_ingest(name: str, data: bytes) -> dict:
    """Save one uploaded file under data/uploads (sanitised name) and ingest it; never raises."""
    row = {"file": name, "saved as": "", "result": "", "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if len(data) > MAX_MB * 1024 * 1024:
        row["result"] = f"失败 failed: larger than {MAX_MB} MB"
        return row
    fname = safe_filename(name, default="upload.txt")
    if Path(fname).suffix.lower() not in SUFFIXES:
        row["result"] = f"失败 failed: not a report file type ({', '.join(sorted(SUFFIXES))})"
        return row
    UPLOADS.mkdir(parents=True, exist_ok=True)
    path = (UPLOADS / fname).resolve()
    if path.parent != UPLOADS.resolve():
        row["result"] = "失败 failed: bad file name"
        return row
    path.write_bytes(data)
    row["saved as"] = f"{UPLOADS.name}/{path.name}"
    from ingest.load import ingest_file

    store = get_store()
    try:
        status = ingest_file(store, path)
        store.clear_failure(str(path))
        row["result"] = {"added": "已添加 added", "updated": "已更新 updated",
                         "unchanged": "未变化 unchanged"}.get(status, status)
    except InputError as e:
        row["result"] = f"失败 failed: {e.problem}"
        try:
            store.record_failure(str(path), e.problem, row["at"])
        except GovkgError:
            pass
    except GovkgError as e:
        row["result"] = f"失败 failed: {e}"
    return row


if require_store():
    st.caption(f"支持 Accepted: {', '.join(sorted(SUFFIXES))} · 每个文件不超过 at most {MAX_MB} MB · "
               f"保存在 saved under {UPLOADS.name}/ and ingested at once")
    files = st.file_uploader("报告文件 Report files", type=[s.lstrip(".") for s in sorted(SUFFIXES)],
                             accept_multiple_files=True, key="upload_files", max_upload_size=MAX_MB)
    if files and st.button("导入 Ingest", type="primary", key="upload_go"):
        with st.spinner("正在导入 Ingesting…"):
            rows = [save_and_ingest(f.name, f.getvalue()) for f in files]
        clear_data()
        st.session_state["upload_log"] = rows + list(st.session_state.get("upload_log", []))
        for r in rows:
            if r["result"].startswith("失败"):
                st.error(f"{md(r['file'])}: {md(r['result'])}")
            else:
                st.success(f"{md(r['file'])}: {md(r['result'])}")
    log = st.session_state.get("upload_log") or []
    if log:
        st.subheader("本次会话的上传 Uploads in this session")
        st.dataframe(pd.DataFrame(log), hide_index=True, width="stretch")
