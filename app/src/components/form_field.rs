use leptos::prelude::*;

/// A labelled input with its error message beside it, linked for screen
/// readers (`aria-describedby`). Works as a plain form field without JS.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(default = None)] value: Option<String>,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(default = 200)] maxlength: usize,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    view! {
        <div class=if invalid { "field invalid" } else { "field" }>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            <input
                id=id
                type=kind.unwrap_or("text")
                name=name
                value=value
                autocomplete=autocomplete
                required=required
                maxlength=maxlength.to_string()
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())
                data-testid=format!("field-{name}")
            />
            {error
                .map(|message| {
                    view! {
                        <p class="field-error" id=error_id data-testid=format!("error-{name}")>
                            {message}
                        </p>
                    }
                })}
        </div>
    }
}

/// A form-level problem (declined card, sold out), announced when shown.
#[component]
pub fn FormAlert(message: Option<String>) -> impl IntoView {
    message.map(|message| {
        view! {
            <p class="form-alert" role="alert" data-testid="form-alert">
                {message}
            </p>
        }
    })
}
