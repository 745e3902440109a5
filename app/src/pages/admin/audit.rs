//! `/admin/audit`: who did what, when, to which entity; newest first, with
//! filters by entity kind and by who did it.

use super::{Pager, query_string, staffed};
use crate::api::admin_audit_log;
use crate::model::back_office::{AuditEntry, ListPage};
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The entity kinds entries are recorded for.
const ENTITIES: [(&str, &str); 4] = [
    ("product", "Products"),
    ("variant", "Variants"),
    ("order", "Orders"),
    ("account", "Accounts"),
];

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let map = query.read();
        let get = |name: &str| map.get(name).unwrap_or_default();
        (get("entity"), get("actor"), get("page"))
    };
    let data = Resource::new(asked, |(entity, actor, page)| {
        admin_audit_log(entity, actor, page)
    });
    view! {
        <Title text="Audit log · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (entity, actor, _) = asked();
                staffed(data.await, "audit", move |list| {
                    view! { <AuditList list entity actor /> }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn AuditList(list: ListPage<AuditEntry>, entity: String, actor: String) -> impl IntoView {
    let pages = list.pages();
    let base = query_string(&[("entity", entity.clone()), ("actor", actor.clone())]);
    view! {
        <h1>"Audit log"</h1>
        <form class="admin-filters" method="get" action="/admin/audit">
            <label>
                "What "
                <select name="entity" data-testid="audit-entity">
                    <option value="">"Everything"</option>
                    {ENTITIES.iter().map(|(value, label)| {
                        let chosen = *value == entity;
                        view! { <option value=*value selected=chosen>{*label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Who (email) "
                <input type="email" name="actor" value=actor maxlength="254" data-testid="audit-actor" />
            </label>
            <button type="submit">"Filter"</button>
        </form>
        {if list.items.is_empty() {
            view! { <p data-testid="audit-empty">"Nothing recorded yet."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="audit-log">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Did"</th>
                            <th scope="col">"To"</th>
                            <th scope="col">"Details"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.items.into_iter().map(|e| view! {
                            <tr data-testid="audit-row">
                                <td>{format_utc(e.at)}</td>
                                <td>{e.actor_email}</td>
                                <td><code>{e.action}</code></td>
                                <td>{format!("{} {}", e.entity, e.entity_id)}</td>
                                <td>{e.detail}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager path="/admin/audit" base page=list.page pages />
    }
}
