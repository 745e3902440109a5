//! `/admin/staff` (admins only): who runs the store, and a form to give an
//! account a role. An email with no account yet is invited: the account
//! registered with it gets the role.

use super::staffed;
use crate::api::{StaffPage, admin_staff};
use crate::components::FormAlert;
use crate::model::customer::Role;
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminStaffPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |_| admin_staff());
    view! {
        <Title text="Staff · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let saved = query.read_untracked().get("saved");
                staffed(data.await, "staff", move |page| view! { <Staff page saved /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Staff(page: StaffPage, saved: Option<String>) -> impl IntoView {
    let StaffPage {
        members,
        invitations,
        feedback,
    } = page;
    let f = feedback.filter(|f| f.form == "role").unwrap_or_default();
    let chosen = f.value("role").unwrap_or_else(|| "merchandiser".into());
    let message = saved.as_deref().and_then(|code| match code {
        "role" => Some("Role changed."),
        "invited" => {
            Some("Invitation saved: the account registered with that email gets the role.")
        }
        _ => None,
    });
    view! {
        <h1>"Staff"</h1>
        {message.map(|m| view! { <p class="form-saved" role="status" data-testid="saved">{m}</p> })}
        <table class="admin-table" data-testid="staff">
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th></tr></thead>
            <tbody>
                {members.into_iter().map(|m| view! {
                    <tr data-testid="staff-row">
                        <td>{m.name}</td><td>{m.email.to_string()}</td><td>{m.role.as_str()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {(!invitations.is_empty()).then(|| view! {
            <h2>"Invited"</h2>
            <table class="admin-table" data-testid="invitations">
                <thead><tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Since"</th></tr></thead>
                <tbody>
                    {invitations.into_iter().map(|i| view! {
                        <tr data-testid="invitation-row">
                            <td>{i.email}</td><td>{i.role.as_str()}</td><td>{format_utc(i.invited_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>"Give someone a role"</h2>
        <form method="post" action="/admin/staff" class="admin-form" data-testid="role-form">
            <FormAlert message=f.message.clone() />
            <div class=if f.error("email").is_some() { "field invalid" } else { "field" }>
                <label for="role-email">"Email"</label>
                <input id="role-email" type="email" name="email" required=true maxlength="254"
                    value=f.value("email").unwrap_or_default() data-testid="role-email" />
                {f.error("email").map(|m| view! { <p class="field-error" data-testid="role-email-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="role-role">"Role"</label>
                <select id="role-role" name="role" data-testid="role-role">
                    {Role::ALL.into_iter().map(|role| {
                        let label = match role {
                            Role::Customer => "customer (no admin access)",
                            Role::Merchandiser => "merchandiser (products, stock, orders)",
                            Role::Admin => "admin (also staff and roles)",
                        };
                        view! { <option value=role.as_str() selected=role.as_str() == chosen>{label}</option> }
                    }).collect_view()}
                </select>
                {f.error("role").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="submit" class="primary" data-testid="give-role">"Give role"</button>
        </form>
    }
}
