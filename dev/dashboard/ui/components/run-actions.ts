import { api, messageOf, seg } from "../api";
import { h } from "../dom";
import { navigate, runHref } from "../route";
import type { RunView } from "../types";

/**
 * Cancel (while running; a second click confirms, no `window.confirm`, which a headless test
 * cannot answer) and Replay (once finished; opens the new run).
 */
export function runActions(run: RunView, reload: () => Promise<void>): HTMLElement {
  const message = h("span", { class: "action-message", role: "status", "data-testid": "action-message" });
  const box = h("div", { class: "actions" });
  const fail = (error: unknown) => {
    message.textContent = messageOf(error);
    message.classList.add("error");
  };

  if (run.status === "Running") {
    const cancel = h("button", { type: "button", id: "run-cancel", class: "danger", "data-testid": "cancel-run" }, "Cancel run");
    const keep = h("button", { type: "button", id: "run-keep", hidden: true, "data-testid": "cancel-keep" }, "Keep running");
    let armed = false;
    const disarm = () => {
      armed = false;
      cancel.textContent = "Cancel run";
      keep.hidden = true;
    };
    cancel.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        cancel.textContent = "Are you sure? Cancel it";
        keep.hidden = false;
        return;
      }
      cancel.disabled = true;
      try {
        await api(`/v1/runs/${seg(run.run_id)}/cancel`, { method: "POST", body: {} });
        await reload();
      } catch (error) {
        cancel.disabled = false;
        disarm();
        fail(error);
      }
    });
    keep.addEventListener("click", () => {
      disarm();
      cancel.focus();
    });
    box.append(cancel, keep);
  } else {
    const replay = h("button", { type: "button", id: "run-replay", "data-testid": "replay-run" }, "Replay");
    replay.addEventListener("click", async () => {
      replay.disabled = true;
      try {
        const { data } = await api<{ data: RunView }>(`/v1/runs/${seg(run.run_id)}/replay`, { method: "POST", body: {} });
        navigate(runHref(data.run_id));
      } catch (error) {
        replay.disabled = false;
        fail(error);
      }
    });
    box.append(replay);
  }
  box.append(message);
  return box;
}
