//! `vitrine create-admin EMAIL [--name NAME]`: the store's first admin (or
//! any later one). A new account's password comes from
//! `VITRINE_ADMIN_PASSWORD` or the first line of standard input, never the
//! command line (it would show in `ps` and shell history). An existing
//! account keeps its password and becomes an admin.

use crate::config::Settings;
use crate::passwords::Argon2Passwords;
use crate::store;
use std::io::BufRead;
use std::process::ExitCode;
use vitrine_domain::Email;
use vitrine_domain::customer::{PasswordHasher, Registration, Role};

const USAGE: &str =
    "usage: vitrine create-admin EMAIL [--name NAME]  (password: VITRINE_ADMIN_PASSWORD or stdin)";

pub async fn run(settings: Settings, args: &[String]) -> ExitCode {
    let (email, name) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("vitrine: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match create_admin(&settings, &email, &name).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("vitrine: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<(String, String), String> {
    let mut email = None;
    let mut name = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--name" => name = Some(args.next().ok_or("--name needs a name")?.clone()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if email.is_none() => email = Some(other.to_string()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let email = email.ok_or("name the admin's email address")?;
    Ok((email, name.unwrap_or_else(|| "Store admin".to_string())))
}

async fn create_admin(settings: &Settings, email: &str, name: &str) -> Result<String, String> {
    let stores = store::connect(
        &settings.database_url,
        None,
        &settings.asset_base_url,
        std::time::Duration::ZERO,
    )
    .await
    .map_err(|e| e.to_string())?;
    let customers = &stores.customers;
    let address = Email::parse(email).map_err(|e| format!("{email:?}: {e}"))?;
    if let Some(admin) = customers
        .set_role(&address, Role::Admin, None)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(format!("{} is now an admin", admin.email));
    }
    let password = match std::env::var("VITRINE_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("password for the new admin {email}:");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let registration = Registration::parse(email, name, &password).map_err(|errors| {
        errors
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let hash = Argon2Passwords.hash(&registration.password).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    customers
        .create_customer(&registration.email, &registration.name, &hash, now)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("an account with this email was created meanwhile; run the command again")?;
    customers
        .set_role(&registration.email, Role::Admin, None)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("created the admin {}", registration.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_name_an_email_and_maybe_a_name() {
        assert_eq!(
            parse_args(&args(&["ada@example.com", "--name", "Ada"])).unwrap(),
            ("ada@example.com".to_string(), "Ada".to_string())
        );
        assert_eq!(
            parse_args(&args(&["ada@example.com"])).unwrap().1,
            "Store admin"
        );
        assert!(parse_args(&args(&[])).unwrap_err().contains("email"));
        assert!(
            parse_args(&args(&["a@b.c", "--password", "x"]))
                .unwrap_err()
                .contains("--password")
        );
    }
}
